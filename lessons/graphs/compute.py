"""Graphs lesson: the public endpoints and what the page draws. No Gradio.

- ``graph``        (API ``/graph``): node vectors after each round of message passing, and the
                   graph's pooled vectors. With ``weights="none"`` and ``rule="gcn"`` one round is
                   exactly ``D^-1/2 (A+I) D^-1/2 H`` (float64).
- ``train_graph``  (API ``/graph_train``): the karate club trained with 4 labels (GCN) or without
                   labels (GRACE) and scored on the other 30 members.
- ``page_walk``    the page's 0..32 rounds with its map, mixing and measures (cached: Step only redraws).
- ``pooling_pair`` a triangle and two copies of it as one graph, pooled four ways.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from lessons.graphs import data, propagate, train
from lessons.graphs.data import Graph
from media.errors import InputError

MAX_STEPS = 64  # API
PAGE_STEPS = 32  # the page computes rounds 0..32 at once; Step only moves along them
MAX_VALUES = 150_000  # numbers in one /graph answer (about 3 MB of JSON)
MAX_SEED = 2**31 - 1


def check_int(value, name: str, low: int, high: int) -> int:
    message = f"'{name}' must be a whole number from {low} to {high}."
    if isinstance(value, float):
        if not value.is_integer():
            raise InputError(message)
        value = int(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise InputError(message) from None
    if isinstance(number, bool) or not low <= number <= high:
        raise InputError(f"'{name}' is {value}; use a whole number from {low} to {high}.")
    return number


def check_choice(value: str, name: str, choices: tuple[str, ...]) -> str:
    value = str(value or "").strip().lower()
    if value not in choices:
        raise InputError(f"Unknown {name} '{value[:30]}'; use one of: {', '.join(choices)}.")
    return value


def answer_size(g: Graph, width: int, rule: str, steps: int) -> int:
    """How many numbers a /graph answer holds (checked before any work)."""
    directed = 2 * len(g.edges) + g.n  # GAT attends over both directions and each self-loop
    values = (steps + 1) * g.n * width + 3 * width + 2 * len(g.edges) + 3 * (steps + 1)
    if rule == "gat":
        values += 2 * directed + steps * directed
    return values


def prepare(edges: str, features: str, rule: str, steps: int, seed: int, weights: str,
            max_steps: int = MAX_STEPS) -> tuple[Graph, str, str, int, int, str]:
    features = check_choice(features, "features", propagate.FEATURES)
    rule = check_choice(rule, "rule", propagate.RULES)
    weights = check_choice(weights, "weights", propagate.WEIGHTS)
    steps = check_int(steps, "steps", 0, max_steps)
    seed = check_int(seed, "seed", 0, MAX_SEED)
    g = data.load(edges)
    return g, features, rule, steps, seed, weights


def graph(edges: str = "karate", features: Literal["onehot", "random", "degree"] = "onehot",
          rule: Literal["gcn", "mean", "sum", "gat"] = "gcn", steps: int = 2, seed: int = 0,
          weights: Literal["none", "random"] = "none") -> dict:
    """Message passing on a graph, one round at a time, with PyTorch Geometric's layers (float64).

    edges: a bundled graph ("karate", "les-miserables", "florentine", "triangle", "two-triangles")
    or an edge list, one "u v" per line (at most 200 nodes, 2,000 edges). features: "onehot" (node i
    is the i-th unit vector), "random" (seeded N(0,1), 16 numbers) or "degree" (one-hot of the degree).
    rule: "gcn" (D^-1/2 (A+I) D^-1/2 H), "mean" (mean of self and neighbours), "sum" ((A+I) H) or
    "gat" (one attention head; its attention vector is seeded random). steps: rounds, 0 to 64.
    weights: "none" = pure propagation (W = I); "random" = a new seeded Glorot W per round, then tanh.

    Returns {"graph", "nodes", "groups", "edges", "columns", "steps": [{"step", "embeddings",
    "mean_cosine" (all pairs of nodes), "neighbour_cosine" (the two ends of each edge),
    "dirichlet_energy" (trace(H^T (I - Â) H) / trace(H^T H), Â the GCN matrix)}], "pooled": {"mean",
    "sum", "max"} of the last round's vectors, and for gat "attention": {"edges": [[source, target],
    ...], "weights": one list per round}}. At most 150,000 numbers per answer.
    """
    g, features, rule, steps, seed, weights = prepare(edges, features, rule, steps, seed, weights)
    width = propagate.feature_width(g, features)
    size = answer_size(g, width, rule, steps)
    if size > MAX_VALUES:
        raise InputError(f"That answer would hold {size:,} numbers ({g.n} nodes x {width} numbers x {steps + 1} "
                         f"rounds); the limit is {MAX_VALUES:,}. Use fewer steps, or features='random' "
                         f"({propagate.RANDOM_DIM} numbers per node).")
    w = propagate.walk(g, features, rule, steps, seed, weights, project=False)
    pooled = propagate.pool(w.h[-1], seed)
    out = {
        "graph": g.title, "nodes": list(g.names), "groups": list(g.groups), "edges": [list(e) for e in g.edges],
        "columns": w.columns, "features": features, "rule": rule, "weights": weights, "seed": seed,
        "steps": [{"step": k, "embeddings": w.h[k].tolist(), "mean_cosine": w.mean_cosine[k],
                   "neighbour_cosine": w.edge_cosine[k], "dirichlet_energy": w.energy[k]} for k in range(steps + 1)],
        "pooled": {"mean": pooled.mean.tolist(), "sum": pooled.sum.tolist(), "max": pooled.max.tolist()},
    }
    if rule == "gat" and steps:
        out["attention"] = {"edges": w.attention_edges.T.tolist(), "weights": [a.tolist() for a in w.attention_values]}
    return out


def train_graph(method: Literal["gcn", "grace"] = "gcn", seed: int = 0,
                labelled: Literal["leaders", "random"] = "leaders") -> dict:
    """Train on Zachary's karate club and score the members whose side was not given.

    method: "gcn" (semi-supervised GCN, PyG GCNConv 34->4->4->2, trained on 4 labelled members) or
    "grace" (GRACE contrastive training without labels, then a logistic-regression probe fitted on
    the 4 labelled members). labelled: "leaders" (members 0, 2, 32, 33) or "random" (two per side,
    drawn with the seed). Returns {"method", "labelled", "accuracy" (on the other 30), "history":
    [{"epoch", "loss", "accuracy"}], "predicted" (0 = Mr. Hi, 1 = Officer), "embedding": 2 numbers per member}.
    """
    method = check_choice(method, "method", tuple(train.STEPPERS))
    seed = check_int(seed, "seed", 0, MAX_SEED)
    labelled = check_choice(labelled, "labelled", ("leaders", "random"))
    frame = train.run(method, seed, labelled)
    g, labels = train.karate_labels()
    return {"method": method, "seed": seed, "labelled": list(frame.labelled), "nodes": list(g.names),
            "truth": labels.tolist(), "accuracy": frame.accuracy, "epochs": frame.epochs,
            "history": [{"epoch": e, "loss": l, "accuracy": a} for e, l, a in frame.history],
            "predicted": frame.predicted.tolist(), "embedding": frame.coords.tolist()}


# -- the page ---------------------------------------------------------------------------------------
@dataclass
class PageWalk:
    walk: propagate.Walk
    hops: np.ndarray  # [n, n]
    layout: np.ndarray  # [n, 2] where each node is drawn (networkx spring layout, fixed seed)
    focus: int  # the node followed by default


def default_focus(g: Graph) -> int:
    return 0 if g.key == "karate" else int(np.argmax(g.degrees()))


def layout(g: Graph) -> np.ndarray:
    import networkx as nx

    pos = nx.spring_layout(g.nx(), seed=3, iterations=200)
    xy = np.array([pos[i] for i in range(g.n)])  # [n, 2]
    xy -= (xy.max(0) + xy.min(0)) / 2
    return xy / (np.abs(xy).max(0) + 1e-12)  # each axis spans -1..1: the drawing fills its box


@lru_cache(maxsize=4)  # at most ~42 MB each (200 nodes, one-hot, GAT)
def page_walk(edges: str, features: str, rule: str, seed: int, weights: str) -> PageWalk:
    """Rounds 0..PAGE_STEPS for the page (cached, so Step and Back only redraw)."""
    g, features, rule, _, seed, weights = prepare(edges, features, rule, 0, seed, weights)
    w = propagate.walk(g, features, rule, PAGE_STEPS, seed, weights)
    return PageWalk(w, propagate.hop_distances(g), layout(g), default_focus(g))


@dataclass
class Reach:
    node: int
    k: int
    mixed: int  # how many nodes' starting vectors have reached it
    within: int  # how many nodes are within k hops (networkx)
    same: bool  # the two sets are equal
    share: np.ndarray  # [n] share of each node's start in this node's mixing (0 = not reached)


def reach(pw: PageWalk, node: int, k: int) -> Reach:
    row = pw.walk.mixing[k][node]  # [n]
    mixed = row > 0
    ball = (pw.hops[node] >= 0) & (pw.hops[node] <= k)
    total = row.sum()
    return Reach(node, k, int(mixed.sum()), int(ball.sum()), bool((mixed == ball).all()),
                 row / total if total > 0 else row)


# -- graph-level vectors ----------------------------------------------------------------------------
POOL_DIM = 4


@dataclass
class PairRow:
    name: str
    one: np.ndarray  # [d] pooled vector of the triangle
    two: np.ndarray  # [d] pooled vector of the two triangles
    same: bool


@dataclass
class PairResult:
    node_vectors: np.ndarray  # [3, d] the triangle's node vectors (the two-triangle graph holds each twice)
    rows: list[PairRow]
    attention_one: np.ndarray  # [3] attention-pooling weights
    attention_two: np.ndarray  # [6]


def pooling_pair(seed: int = 0) -> PairResult:
    """A triangle, and two copies of it as one graph, pooled four ways.

    Node vectors: 4 seeded random numbers per node, the same three vectors in each copy. Any
    message-passing network gives a copy's nodes the same vectors as the original's (each copy
    looks exactly like the triangle from inside), so this is what any GNN would hand to pooling.
    """
    x = np.random.default_rng(seed).standard_normal((3, POOL_DIM))  # [3, 4]
    p1, p2 = propagate.pool(x, seed), propagate.pool(np.vstack([x, x]), seed)  # [6, 4] for the pair
    rows = [PairRow(name, getattr(p1, name), getattr(p2, name), bool(np.allclose(getattr(p1, name), getattr(p2, name))))
            for name in ("mean", "sum", "max", "attention")]
    return PairResult(x, rows, p1.attention_weights, p2.attention_weights)
