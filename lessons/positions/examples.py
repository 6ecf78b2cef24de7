"""Examples for the positions lesson: keyword arguments of ``compute.positions`` (also the tests' cases)."""

EXAMPLES = (
    {"kind": "sinusoidal", "length": 128, "dim": 64},
    {"kind": "learned", "length": 512},
    {"kind": "rope", "length": 128, "dim": 64},
    {"kind": "alibi", "length": 32, "heads": 8, "head": 3},
)

LABELS = (
    "sinusoidal: Vaswani's formula",
    "learned: MiniLM's whole table",
    "RoPE: rotation, offset only",
    "ALiBi: a distance penalty",
)
