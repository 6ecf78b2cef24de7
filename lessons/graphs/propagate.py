"""Message passing one round at a time, with PyTorch Geometric's own layers, and what it does to the nodes.

Rules (every one adds a self-loop, so a node keeps part of its own vector):
- gcn:  ``GCNConv``: H' = D^-1/2 (A+I) D^-1/2 H W           (D: degrees of A+I)
- mean: ``SimpleConv(aggr="mean", combine_root="self_loop")``: H' = D^-1 (A+I) H W (mean of self and neighbours)
- sum:  ``SimpleConv(aggr="sum", combine_root="self_loop")``:  H' = (A+I) H W       (GIN's sum with eps = 0)
- gat:  ``GATConv`` (one head): H'_i = sum_j alpha_ij W h_j, alpha_i = softmax_j LeakyReLU(a . [W h_i || W h_j])

Weights: ``none`` is pure propagation, W = I (a GAT still needs its attention vector ``a``: a seeded
random one, the same at every step); ``random`` draws a new seeded Glorot W (and ``a``) per step and
applies tanh, an untrained GNN layer. No Gradio here; float64 throughout, so "exactly" means it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from lessons.graphs.data import Graph
from lessons.torch_threads import one_thread
from media.errors import InputError

FEATURES = ("onehot", "random", "degree")
RULES = ("gcn", "mean", "sum", "gat")
WEIGHTS = ("none", "random")
RANDOM_DIM = 16  # width of random node features


@lru_cache(maxsize=1)
def pyg():
    """Import torch_geometric once, quietly (its import warns about torch.jit.script)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch_geometric.nn as pyg_nn
        import torch_geometric.utils as pyg_utils
    return pyg_nn, pyg_utils


# -- node features ----------------------------------------------------------------------------------
def feature_width(graph: Graph, kind: str) -> int:
    if kind == "onehot":
        return graph.n
    if kind == "random":
        return RANDOM_DIM
    if kind == "degree":
        return len(set(graph.degrees().tolist()))
    raise InputError(f"Unknown features '{kind}'; use one of: {', '.join(FEATURES)}.")


def node_features(graph: Graph, kind: str, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Starting vectors H0 [n, d] and a name per column.

    onehot: node i is the i-th unit vector (d = n), so after k steps entry j says how much of node j's
    start has reached node i. random: seeded N(0, 1), d = 16. degree: one-hot of the node's degree
    (one column per degree present), so nodes with the same degree start identical.
    """
    n = graph.n
    if kind == "onehot":
        return np.eye(n), list(graph.names)  # [n, n]
    if kind == "random":
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, RANDOM_DIM)), [f"r{i + 1}" for i in range(RANDOM_DIM)]  # [n, 16]
    if kind == "degree":
        deg = graph.degrees()
        values = sorted(set(deg.tolist()))
        col = {v: c for c, v in enumerate(values)}
        x = np.zeros((n, len(values)))  # [n, distinct degrees]
        x[np.arange(n), [col[v] for v in deg]] = 1.0
        return x, [f"degree {v}" for v in values]
    raise InputError(f"Unknown features '{kind}'; use one of: {', '.join(FEATURES)}.")


# -- the graph as PyG sees it, and the dense matrices the rules stand for -------------------------
def edge_index(graph: Graph):
    import torch

    e = np.asarray(graph.edges, dtype=np.int64).reshape(-1, 2).T  # [2, E]
    return torch.from_numpy(np.concatenate([e, e[::-1]], axis=1).copy())  # [2, 2E], both directions


def gcn_matrix(adjacency: np.ndarray) -> np.ndarray:
    """D^-1/2 (A+I) D^-1/2 with D the degrees of A+I (Kipf & Welling 2017, eq. 2)."""
    a = adjacency + np.eye(len(adjacency))  # [n, n]
    d = 1.0 / np.sqrt(a.sum(1))  # [n]
    return d[:, None] * a * d[None, :]


def dense_rule(adjacency: np.ndarray, rule: str) -> np.ndarray:
    """The propagation matrix P of a rule with weights none (H' = P H), for gcn, mean and sum."""
    a = adjacency + np.eye(len(adjacency))  # [n, n] with self-loops
    if rule == "gcn":
        return gcn_matrix(adjacency)
    if rule == "mean":
        return a / a.sum(1, keepdims=True)
    if rule == "sum":
        return a
    raise ValueError(rule)


# -- one layer per rule ---------------------------------------------------------------------------
def _glorot(shape, gen):
    import torch

    w = torch.empty(*shape, dtype=torch.float64)
    torch.nn.init.xavier_uniform_(w, generator=gen)  # in-place, seeded
    return w


class Layer:
    """One message-passing round built from a PyG layer; ``__call__`` returns (H', attention or None)."""

    def __init__(self, rule: str, d: int, weights: str, gen, attention=None):
        import torch

        nn, _ = pyg()
        self.rule, self.weights = rule, weights
        self.lin = None
        if rule == "gcn":
            self.conv = nn.GCNConv(d, d, bias=False).double()
            self.conv.lin.weight.data = torch.eye(d, dtype=torch.float64) if weights == "none" else _glorot((d, d), gen)
        elif rule in ("mean", "sum"):
            self.conv = nn.SimpleConv(aggr=rule, combine_root="self_loop")
            if weights == "random":
                self.lin = _glorot((d, d), gen)  # [d_out, d_in]
        elif rule == "gat":
            self.conv = nn.GATConv(d, d, heads=1, bias=False).double()
            self.conv.lin.weight.data = torch.eye(d, dtype=torch.float64) if weights == "none" else _glorot((d, d), gen)
            src, dst = attention if attention is not None else (_glorot((1, 1, d), gen), _glorot((1, 1, d), gen))
            self.conv.att_src.data, self.conv.att_dst.data = src, dst
        else:
            raise InputError(f"Unknown rule '{rule}'; use one of: {', '.join(RULES)}.")

    def attention_vectors(self):
        return self.conv.att_src.data, self.conv.att_dst.data

    def __call__(self, h, ei):
        import torch

        with torch.no_grad():
            alpha = None
            if self.rule == "gat":
                out, (ei_loops, alpha) = self.conv(h, ei, return_attention_weights=True)  # [n, d], [2, 2E+n], [2E+n, 1]
                alpha = (ei_loops, alpha[:, 0])
            else:
                out = self.conv(h, ei)  # [n, d]
                if self.lin is not None:
                    out = out @ self.lin.T  # [n, d]
            if self.weights == "random":
                out = torch.tanh(out)
        return out, alpha


def attention_matrix(n: int, alpha) -> np.ndarray:
    """GAT's weights as a dense matrix: row i holds alpha_ij over i's neighbours and itself (sums to 1)."""
    ei, a = alpha
    m = np.zeros((n, n))  # [n, n]; messages flow source ei[0] -> target ei[1]
    m[ei[1].numpy(), ei[0].numpy()] = a.numpy()
    return m


# -- measures -------------------------------------------------------------------------------------
def unit_rows(h: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(h, axis=1, keepdims=True)  # [n, 1]
    return np.divide(h, norm, out=np.zeros_like(h), where=norm > 0)


def mean_cosine(h: np.ndarray) -> float:
    """Mean cosine over all pairs of different nodes (a zero vector counts as cosine 0)."""
    u = unit_rows(h)
    s = u @ u.T  # [n, n]
    n = len(h)
    return float(s[np.triu_indices(n, 1)].mean()) if n > 1 else 1.0


def neighbour_cosine(h: np.ndarray, adjacency: np.ndarray) -> float:
    """Mean cosine between the two ends of every edge (a zero vector counts as cosine 0)."""
    u = unit_rows(h)
    i, j = np.nonzero(np.triu(adjacency, 1))  # each undirected edge once
    return float((u[i] * u[j]).sum(1).mean()) if len(i) else 1.0


def dirichlet_energy(h: np.ndarray, adjacency: np.ndarray) -> float:
    """Normalised Dirichlet energy trace(H^T (I - Â) H) / trace(H^T H), Â = D^-1/2 (A+I) D^-1/2.

    Between 0 and 2; 0 means every node's vector is the same up to the factor sqrt(degree + 1),
    i.e. the graph's smoothest signal (Cai & Wang 2020 use this measure of over-smoothing). GCN's
    rounds drive it to 0; mean, sum and GAT converge to other limits and level off above 0.
    """
    total = float((h * h).sum())
    if total == 0:
        return 0.0
    lap = np.eye(len(h)) - gcn_matrix(adjacency)  # [n, n]
    return float(np.trace(h.T @ lap @ h) / total)


def hop_distances(graph: Graph) -> np.ndarray:
    """Shortest-path hops between every pair (networkx), -1 when unreachable."""
    import networkx as nx

    n = graph.n
    hops = -np.ones((n, n), dtype=int)  # [n, n]
    for i, lengths in nx.all_pairs_shortest_path_length(graph.nx()):
        for j, k in lengths.items():
            hops[i, j] = k
    return hops


# -- a walk: the node vectors after 0..K rounds ---------------------------------------------------
@dataclass
class Walk:
    graph: Graph
    features: str
    rule: str
    weights: str
    seed: int
    columns: list[str]
    h: np.ndarray  # [K+1, n, d] node vectors after k rounds
    mixing: np.ndarray  # [K+1, n, n] product of the rounds' propagation matrices (row i: what node i mixed)
    attention: list  # per round k >= 1 (index k-1): dense [n, n] GAT weights, or None for other rules
    attention_edges: np.ndarray | None  # [2, 2E+n] edges GAT attends over (source, target), incl. self-loops
    attention_values: list  # per round: [2E+n] alpha on attention_edges
    mean_cosine: list[float]  # per round, over all pairs of nodes
    energy: list[float]  # per round, normalised Dirichlet energy
    edge_cosine: list[float] = field(default_factory=list)  # per round, over the edges (neighbours)
    unit: np.ndarray = field(repr=False, default=None)  # [K+1, n, d] rows scaled to length 1
    coords: np.ndarray = field(repr=False, default=None)  # [K+1, n, 2] one PCA fitted on every round's unit rows
    explained: tuple[float, float] = (0.0, 0.0)

    @property
    def steps(self) -> int:
        return len(self.h) - 1


def walk(graph: Graph, features: str = "onehot", rule: str = "gcn", steps: int = 2, seed: int = 0,
         weights: str = "none", project: bool = True) -> Walk:
    """The node vectors after 0, 1, ..., ``steps`` rounds of ``rule``, and what they show."""
    with one_thread():
        return _walk(graph, features, rule, steps, seed, weights, project)


def _walk(graph: Graph, features: str, rule: str, steps: int, seed: int, weights: str, project: bool) -> Walk:
    x, columns = node_features(graph, features, seed)
    out = rounds(graph, x, rule, steps, seed, weights)
    out.features, out.columns = features, columns
    if project:
        out.unit, out.coords, out.explained = projection(out.h)
    return out


def rounds(graph: Graph, x: np.ndarray, rule: str = "gcn", steps: int = 1, seed: int = 0,
           weights: str = "none") -> Walk:
    """Apply ``steps`` rounds of ``rule`` to the starting vectors ``x`` [n, d] (no projection)."""
    import torch

    if rule not in RULES:
        raise InputError(f"Unknown rule '{rule}'; use one of: {', '.join(RULES)}.")
    if weights not in WEIGHTS:
        raise InputError(f"Unknown weights '{weights}'; use 'none' (pure propagation) or 'random'.")
    n, d = x.shape
    adjacency = graph.adjacency()
    ei = edge_index(graph)
    gen = torch.Generator().manual_seed(int(seed))
    h = torch.from_numpy(np.asarray(x, dtype=np.float64))  # [n, d]
    hs, mixing = [h.numpy().copy()], [np.eye(n)]
    attention, att_values, att_edges = [], [], None
    shared = None
    fixed = dense_rule(adjacency, rule) if rule != "gat" else None
    for _ in range(steps):
        layer = Layer(rule, d, weights, gen, attention=shared)
        if rule == "gat" and weights == "none":
            shared = layer.attention_vectors()  # the same random attention vector every round
        h, alpha = layer(h, ei)
        if not torch.isfinite(h).all():
            raise InputError("The vectors grew past what a computer can store (sum aggregation multiplies by up to "
                             "degree + 1 per step): use fewer steps or another rule.")
        hs.append(h.numpy().copy())
        if alpha is not None:
            p = attention_matrix(n, alpha)
            attention.append(p)
            att_edges = alpha[0].numpy()
            att_values.append(alpha[1].numpy().copy())
        else:
            p = fixed
            attention.append(None)
        mixing.append(p @ mixing[-1])  # [n, n]
    hstack = np.stack(hs)  # [K+1, n, d]
    return Walk(graph, "", rule, weights, int(seed), [], hstack, np.stack(mixing), attention, att_edges, att_values,
                [mean_cosine(m) for m in hstack], [dirichlet_energy(m, adjacency) for m in hstack],
                [neighbour_cosine(m, adjacency) for m in hstack])


def projection(hs: np.ndarray):
    """Rows scaled to length 1, projected with ONE PCA fitted on every round at once (so the axes never move)."""
    from sklearn.decomposition import PCA

    k1, n, d = hs.shape
    unit = np.stack([unit_rows(m) for m in hs])  # [K+1, n, d]
    flat = unit.reshape(k1 * n, d)
    if d < 2:
        flat = np.pad(flat, ((0, 0), (0, 2 - d)))
    pca = PCA(n_components=2, svd_solver="full").fit(flat)
    coords = pca.transform(flat).reshape(k1, n, 2)  # [K+1, n, 2]
    return unit, coords, tuple(float(v) for v in pca.explained_variance_ratio_)


def reached(w: Walk, node: int, k: int) -> np.ndarray:
    """Which nodes' starting vectors have reached ``node`` after k rounds (a positive entry of the mixing)."""
    return w.mixing[k][node] > 0  # [n] bool


# -- graph-level vectors ----------------------------------------------------------------------------
@dataclass
class Pooled:
    mean: np.ndarray  # [d]
    sum: np.ndarray
    max: np.ndarray
    attention: np.ndarray
    attention_weights: np.ndarray  # [n] softmax of the gate, sums to 1


def attention_gate(d: int, seed: int = 0):
    """A seeded random gate for attention pooling: one linear score per node (untrained)."""
    import torch

    gen = torch.Generator().manual_seed(int(seed) + 7)
    gate = torch.nn.Linear(d, 1).double()
    with torch.no_grad():
        gate.weight.copy_(_glorot((1, d), gen))
        gate.bias.zero_()
    return gate


def pool(h: np.ndarray, seed: int = 0) -> Pooled:
    """One vector for the whole graph: PyG's global mean/add/max pooling and AttentionalAggregation."""
    import torch

    with one_thread():
        return _pool(h, seed)


def _pool(h: np.ndarray, seed: int) -> Pooled:
    import torch

    nn, utils = pyg()
    x = torch.from_numpy(np.asarray(h, dtype=np.float64))  # [n, d]
    batch = torch.zeros(len(x), dtype=torch.long)  # [n]: one graph
    gate = attention_gate(x.shape[1], seed)
    with torch.no_grad():
        att = nn.aggr.AttentionalAggregation(gate_nn=gate)(x, batch)[0]  # [d]
        weights = utils.softmax(gate(x)[:, 0], batch)  # [n]
        return Pooled(nn.global_mean_pool(x, batch)[0].numpy(), nn.global_add_pool(x, batch)[0].numpy(),
                      nn.global_max_pool(x, batch)[0].numpy(), att.numpy(), weights.numpy())
