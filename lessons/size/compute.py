"""How big should a vector be? Cut vectors short (prefix, PCA-rotated prefix) and store them with fewer bits.

Pure computation, no Gradio. For a set of vectors (scaled to length 1), every number is a measured
**recall@10**: for each query row, the share of its 10 nearest other rows (cosine on the full vectors) that
are still among its 10 nearest after the change, averaged over the queries.

- prefix cut: keep the first d numbers of each vector (then scale to length 1 again);
- PCA cut: rotate the vectors first so the first numbers carry the most variance (a rotation changes no
  cosine), then keep the first d;
- float16 (2 bytes a number), int8 (1 byte: 256 levels between each dimension's min and max over the set),
  binary (1 bit: the sign; ranked by Hamming distance).

Large sets are measured on a fixed random sample (``MAX_ROWS`` rows, seed 0) with ``QUERIES`` query rows
from that sample; the result says how many rows were used.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from gradio import FileData

from lessons.vector_sets import VectorSet, load_set
from media.errors import InputError
from space import stats

K = 10
MAX_ROWS = 20_000  # a click measures 8 recalls of 100 queries over these rows
QUERIES = 100
KINDS = stats.QUANTISATIONS  # float32, float16, int8, binary


def dims_grid(d: int) -> list[int]:
    """1, 2, 4, ... up to d, plus a few points between the last powers of two, plus d itself."""
    grid = {1, d}
    p = 2
    while p < d:
        grid.add(p)
        if p >= 8:
            grid.update({p + p // 2} if p + p // 2 < d else set())
        p *= 2
    return sorted(grid)


@dataclass
class Prepared:
    """A set's sample rows (unit), its query rows, the exact neighbours, the PCA rotation, the curves."""
    name: str
    label: str
    n_total: int
    unit: np.ndarray = field(repr=False)  # [n, d] the rows used, length 1
    labels: list[str] = field(repr=False)
    queries: np.ndarray = field(repr=False)  # [q] rows of ``unit``
    truth: np.ndarray = field(repr=False)  # [q, K] exact neighbours on the full vectors
    rotation: np.ndarray = field(repr=False)  # [d, d] PCA directions, largest variance first
    scales: dict = field(default_factory=dict, repr=False)  # int8 calibration per (method, dims)
    recalls: dict = field(default_factory=dict)  # (method, dims, kind) -> recall@10

    @property
    def n(self) -> int:
        return int(self.unit.shape[0])

    @property
    def dim(self) -> int:
        return int(self.unit.shape[1])


def pca_directions(x: np.ndarray) -> np.ndarray:
    """[d, d] orthonormal: the eigenvectors of the rows' covariance, largest eigenvalue first (a full basis
    even when there are fewer rows than dimensions)."""
    x = np.asarray(x, dtype=np.float64)
    centred = x - x.mean(axis=0)
    cov = centred.T @ centred / max(len(x) - 1, 1)  # [d, d]
    values, vectors = np.linalg.eigh(cov)
    return vectors[:, np.argsort(-values, kind="stable")]


def prepare(vset: VectorSet) -> Prepared:
    rows = np.arange(vset.n)
    if vset.n > MAX_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(vset.n, MAX_ROWS, replace=False))
    unit = stats.l2_normalise(np.asarray(vset.vectors)[rows])  # [n, d]
    if (stats.row_norms(unit) == 0).any():
        raise InputError("Some vectors are all zeros: they have no direction, so nothing can be ranked by cosine. "
                         "Remove them first.")
    q = min(QUERIES, len(unit))
    queries = np.sort(np.random.default_rng(1).choice(len(unit), q, replace=False))
    truth = stats.neighbours_of(unit, queries, K)
    return Prepared(vset.name, vset.label, vset.n, unit, [vset.labels[i] for i in rows], queries, truth,
                    pca_directions(unit))


def recall(p: Prepared, method: str, dims: int, kind: str) -> float:
    """Recall@10 of the 10 nearest after cutting to ``dims`` (``method`` prefix | pca) and storing as ``kind``."""
    key = (method, dims, kind)
    if key not in p.recalls:
        cut = p.unit if dims == p.dim and method == "prefix" else stats.cut(
            p.unit, dims, p.rotation if method == "pca" else None)
        stored = stats.quantised(cut, kind)
        p.recalls[key] = stats.recall_at_k(stats.neighbours_of(stored, p.queries, K, kind), p.truth)
    return p.recalls[key]


_cache: dict[str, Prepared] = {}
_lock = threading.Lock()


def prepared(vectors: str = "glove", file=None) -> Prepared:
    vset = load_set(vectors, file)
    if vset.n < K + 2:
        raise InputError(f"This set has {vset.n} rows; measuring the {K} nearest needs at least {K + 2}.")
    if vset.kind == "upload":
        return prepare(vset)
    key = f"{vset.name}:{vset.n}:{vset.labels[0]}"
    with _lock:
        if key not in _cache:
            if len(_cache) > 8:
                _cache.clear()
            _cache[key] = prepare(vset)
        return _cache[key]


@dataclass
class SizeResult:
    p: Prepared = field(repr=False)
    dims: int
    grid: list[int]
    prefix: list[float]  # recall at each grid point, float32
    pca: list[float]
    full: dict[str, float]  # kind -> recall at full dimension (no cut)
    at_dims: dict[str, tuple[float, float]]  # kind -> (prefix recall, PCA recall) at ``dims``

    def as_json(self) -> dict:
        p = self.p

        def sizes(kind: str, d: int) -> dict:
            b = stats.bytes_per_vector(kind, d)
            return {"bytes_per_vector": b, "memory_1m_bytes": b * 1_000_000}

        return {
            "vectors": p.name, "label": p.label, "n": p.n, "n_total": p.n_total, "dim": p.dim,
            "queries": int(len(p.queries)), "k": K, "dims": self.grid, "prefix_recall": self.prefix,
            "pca_recall": self.pca,
            "quantisation": [dict(kind=kind, recall_at_10=self.full[kind], **sizes(kind, p.dim)) for kind in KINDS],
            "at_dims": {"dims": self.dims, "rows": [
                dict(kind=kind, prefix_recall=self.at_dims[kind][0], pca_recall=self.at_dims[kind][1],
                     **sizes(kind, self.dims)) for kind in KINDS]},
        }


def measure(vectors: str = "glove", file=None, dims: int = 32) -> SizeResult:
    p = prepared(vectors, file)
    try:
        dims = int(dims)
    except (TypeError, ValueError):
        raise InputError("dims must be a whole number.")
    if not 1 <= dims <= p.dim:
        raise InputError(f"dims must be between 1 and {p.dim} (these vectors have {p.dim} numbers).")
    grid = dims_grid(p.dim)
    prefix = [recall(p, "prefix", d, "float32") for d in grid]
    pca = [recall(p, "pca", d, "float32") for d in grid]
    full = {kind: recall(p, "prefix", p.dim, kind) for kind in KINDS}
    at = {kind: (recall(p, "prefix", dims, kind), recall(p, "pca", dims, kind)) for kind in KINDS}
    return SizeResult(p, dims, grid, prefix, pca, full, at)


# -- the public endpoint ----------------------------------------------------------------------------
def size(vectors: str = "glove", file: FileData | None = None, dims: int = 32) -> dict:
    """How much of each vector's 10 nearest neighbours survives cutting it short or storing it with fewer bits.

    ``vectors``: a bundled set (glove, glove-100k, glove-20k, efficientnet-images, minilm-texts,
    yamnet-sounds, ...) or ``file``: your own .npy / .csv; ``dims``: the cut to report in detail.
    Rows are scaled to length 1; sets over 20,000 rows use a fixed random sample of 20,000, with 100 query rows.
    Returns {"dims": [...], "prefix_recall": [...], "pca_recall": [...], "quantisation": [{"kind",
    "bytes_per_vector", "memory_1m_bytes", "recall_at_10"}], "at_dims": {"dims", "rows": [{"kind",
    "prefix_recall", "pca_recall", "bytes_per_vector", "memory_1m_bytes"}]}, "n", "n_total", "queries", ...}.
    """
    return measure(vectors, file, dims).as_json()
