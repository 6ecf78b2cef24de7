"""Examples for the tables lesson: keyword arguments of ``compute.tabular`` (also the tests' cases).

Each trains for a few seconds on the same fixed split, so the results table compares like with like.
"""

NO_DISTANCE = ["carrier", "origin", "dest", "tailnum", "month", "hour"]

EXAMPLES = (
    {},
    {"categorical": "onehot"},
    {"numeric": "raw"},
    {"columns": NO_DISTANCE},
    {"cross": "carrier x hour"},
    {"target": "late"},
    {"dataset": "penguins"},
)

LABELS = (
    "flights: minutes in the air (embeddings, PLE)",
    "the same with one-hot",
    "distance as raw miles",
    "without distance: the airport table must learn it",
    "add a hashed cross carrier x hour",
    "late or not? (hard to predict)",
    "penguins: which species?",
)
