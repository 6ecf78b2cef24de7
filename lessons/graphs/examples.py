"""Examples for the graphs lesson: keyword arguments of ``compute.graph`` (also the tests' cases)."""

PATH = "a b\nb c\nc d\nd e\ne f"

EXAMPLES = (
    {"edges": "karate", "features": "onehot", "rule": "gcn", "steps": 2, "seed": 0, "weights": "none"},
    {"edges": "karate", "features": "onehot", "rule": "gcn", "steps": 30, "seed": 0, "weights": "none"},
    {"edges": "karate", "features": "onehot", "rule": "gat", "steps": 1, "seed": 0, "weights": "none"},
    {"edges": "karate", "features": "degree", "rule": "sum", "steps": 2, "seed": 0, "weights": "none"},
    {"edges": "karate", "features": "onehot", "rule": "gcn", "steps": 3, "seed": 0, "weights": "random"},
    {"edges": "les-miserables", "features": "onehot", "rule": "mean", "steps": 3, "seed": 0, "weights": "none"},
    {"edges": "florentine", "features": "random", "rule": "gcn", "steps": 2, "seed": 1, "weights": "none"},
    {"edges": PATH, "features": "onehot", "rule": "gcn", "steps": 3, "seed": 0, "weights": "none"},
)

LABELS = (
    "2 rounds: each member has mixed its 2-hop neighbourhood",
    "30 rounds: over-smoothing, everyone alike",
    "GAT: attention weights on the edges",
    "degree features + sum: structure without names",
    "an untrained GNN (random weights, tanh)",
    "Les Misérables, mean of neighbours",
    "Florentine families, random start",
    "your own edges: a path, one hop per round",
)
