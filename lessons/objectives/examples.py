"""Examples for the objectives lesson.

``EXAMPLES``: keyword arguments of ``compute.train_word_vectors`` (the lesson's first endpoint; the
generic tests run each through the function and the API, so they are kept few and short).
``CONTRASTIVE_EXAMPLES``: keyword arguments of ``compute.train_contrastive``.
"""

EXAMPLES = (
    {"objective": "skip-gram", "epochs": 3, "dim": 50, "seed": 1, "words": "king, father, night, sword"},
    {"objective": "cbow", "epochs": 4, "dim": 50, "seed": 1, "words": "king, father, night, sword"},
    {"objective": "skip-gram", "epochs": 1, "dim": 50, "seed": 1, "words": "thou, love, eye, gold"},
)

LABELS = (
    "skip-gram: a word predicts its neighbours",
    "CBOW: the neighbours predict the word",
    "one epoch only: half-formed neighbours",
)

CONTRASTIVE_EXAMPLES = (
    {"steps": 150, "dim": 32, "seed": 0},
    {"steps": 10, "dim": 32, "seed": 0},
    {"steps": 150, "dim": 2, "seed": 0},
    {"steps": 150, "dim": 128, "seed": 0},
)

CONTRASTIVE_LABELS = (
    "150 steps: the diagonal lights up",
    "stop after 10 steps",
    "a shared space of only 2 numbers",
    "a shared space of 128 numbers",
)
