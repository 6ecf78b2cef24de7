"""Examples for the search-index lesson: keyword arguments of ``compute.ann_search`` (also the tests' cases).

They use the 20,000 and 100,000 most frequent GloVe words and the gallery: the 400,000-word indexes take
about a minute to build on 2 cores, which the default test run must not pay (``bench/search.py`` does).
"""

EXAMPLES = (
    {"index": "hnsw", "ef": 16, "nprobe": 8, "queries": "200", "vectors": "glove-20k"},
    {"index": "hnsw", "ef": 128, "nprobe": 8, "queries": "200", "vectors": "glove-20k"},
    {"index": "ivf", "ef": 64, "nprobe": 2, "queries": "200", "vectors": "glove-20k"},
    {"index": "ivf", "ef": 64, "nprobe": 32, "queries": "200", "vectors": "glove-20k"},
    {"index": "exact", "ef": 64, "nprobe": 8, "queries": "king, frog, paris", "vectors": "glove-20k"},
    {"index": "hnsw", "ef": 64, "nprobe": 8, "queries": "200", "vectors": "efficientnet-images"},
)

LABELS = (
    "HNSW, small ef: fast, misses some",
    "HNSW, large ef: finds nearly all",
    "IVF, 2 cells searched",
    "IVF, 32 cells searched",
    "exact search: the reference",
    "gallery scale: a hundred pictures",
)
