"""Examples for the size lesson: keyword arguments of ``compute.size`` (also the tests' cases)."""

EXAMPLES = (
    {"vectors": "glove", "dims": 32},
    {"vectors": "glove", "dims": 16},
    {"vectors": "glove-20k", "dims": 32},
    {"vectors": "minilm-texts", "dims": 96},
    {"vectors": "efficientnet-images", "dims": 128},
)

LABELS = (
    "GloVe cut to 32 of 50",
    "GloVe cut to 16 of 50",
    "the 20,000 most frequent words",
    "sentences (MiniLM) cut to 96 of 384",
    "pictures (EfficientNet) cut to 128 of 1280",
)
