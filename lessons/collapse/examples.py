"""Examples for the collapse lesson: keyword arguments of ``compute.collapse`` (also the tests' cases)."""

EXAMPLES = (
    {"vectors": "glove", "action": "none", "k": 2, "steps": 100},
    {"vectors": "glove", "action": "project", "k": 2, "steps": 100},
    {"vectors": "glove-20k", "action": "no-negatives", "k": 2, "steps": 100},
    {"vectors": "glove-20k", "action": "with-negatives", "k": 2, "steps": 100},
    {"vectors": "minilm-texts", "action": "none", "k": 2, "steps": 100},
    {"vectors": "efficientnet-raw", "action": "none", "k": 2, "steps": 100},
)

LABELS = (
    "GloVe: healthy, 400,000 words",
    "squashed onto 2 directions",
    "training without negatives",
    "the same with negatives",
    "sentences (MiniLM)",
    "pictures: EfficientNet features (never negative)",
)
