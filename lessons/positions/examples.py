"""Examples for the positions lesson: keyword arguments of ``compute.positions`` (also the tests' cases).

Kept small: every example also travels through gradio_client in the tests, a number at a time. The
length slider on the page goes up to the whole learned table (512 rows).
"""

EXAMPLES = (
    {"kind": "sinusoidal", "length": 100, "dim": 32},
    {"kind": "learned", "length": 64},
    {"kind": "rope", "length": 64, "dim": 32},
    {"kind": "alibi", "length": 32, "heads": 8, "head": 3},
)

LABELS = (
    "sinusoidal: Vaswani's formula",
    "learned: MiniLM's first 64 rows",
    "RoPE: rotation, offset only",
    "ALiBi: a distance penalty",
)
