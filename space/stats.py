"""Statistics of a set of vectors, in plain numpy: rankings, recall, cutting and quantising, collapse.

Used by the lessons "Similarity measures", "How big should a vector be?", "Fast nearest-neighbour
search" and "Collapse monitor". Rankings always break ties by the lower row index, so every result
is reproducible; scores are computed in float64 where an order must not depend on rounding.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METRICS = ("cosine", "dot", "l2")
QUANTISATIONS = ("float32", "float16", "int8", "binary")


# -- basics -------------------------------------------------------------------------------------------
def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (float32); rows of length 0 stay 0."""
    x = np.asarray(x, dtype=np.float32)
    norms = row_norms(x)[..., None]  # [n, 1]
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def row_norms(x: np.ndarray) -> np.ndarray:
    """Euclidean length of each row: [n]."""
    x = np.asarray(x, dtype=np.float32)
    return np.sqrt(np.einsum("...i,...i->...", x, x))


def best_first(scores: np.ndarray, k: int, exclude: int | None = None) -> np.ndarray:
    """Indices of the k largest ``scores`` (one row: [n]), best first, ties by the lower index.

    ``exclude`` (a row index) is left out: "the k nearest *other* rows".
    """
    scores = np.array(scores, dtype=np.float64)  # a copy: we may overwrite the excluded entry
    if exclude is not None:
        scores[exclude] = -np.inf
    n = len(scores) - (exclude is not None)
    k = max(0, min(int(k), n))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th largest value
        cand = np.flatnonzero(scores >= cut)  # every row tied with it too, in index order
    else:
        cand = np.arange(len(scores))
    order = np.lexsort((cand, -scores[cand]))  # by score descending, then index ascending
    return cand[order][:k].astype(np.int64)


def top_k_rows(scores: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """``best_first`` for each row of ``scores`` [nq, n] -> [nq, k]; ``exclude`` [nq]: a row to leave out per query.

    Vectorised (argpartition); rows whose k-th value is tied with a row left out (common with Hamming
    distances) are redone one by one, so ties always go to the lower index.
    """
    scores = np.array(scores, ndmin=2)  # a copy: excluded entries are overwritten
    if scores.dtype.kind != "f":
        scores = scores.astype(np.float64)
    nq, n = scores.shape
    if exclude is not None:
        scores[np.arange(nq), np.asarray(exclude)] = -np.inf
    k = max(0, min(int(k), n - (exclude is not None)))
    if nq == 0 or k == 0:
        return np.zeros((nq, k), dtype=np.int64)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (nq, 1))
    vals = np.take_along_axis(scores, part, axis=1)
    idx = np.take_along_axis(part, np.lexsort((part, -vals), axis=1), axis=1)  # [nq, k] best first
    kth = np.take_along_axis(scores, idx[:, -1:], axis=1)  # [nq, 1]
    for r in np.flatnonzero((scores >= kth).sum(axis=1) > k):
        idx[r] = best_first(scores[r], k)
    return idx.astype(np.int64)


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean over queries of |found ∩ truth| / |truth|: the share of the true neighbours found."""
    found, truth = np.atleast_2d(found), np.atleast_2d(truth)
    if truth.size == 0:
        return 0.0
    hits = [len(set(f[f >= 0].tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth)]
    return float(np.mean(hits))


# -- similarity measures ----------------------------------------------------------------------------------
def scores_for(vectors: np.ndarray, query: np.ndarray, metric: str, chunk: int = 65_536) -> np.ndarray:
    """Higher is nearer, for every row [n]: cosine, dot product, or minus the Euclidean distance.

    Computed directly from the definitions in float64, a block of rows at a time (bounded memory).
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    q = np.asarray(query, dtype=np.float64)  # [d]
    q_norm = float(np.linalg.norm(q))
    out = np.empty(len(vectors), dtype=np.float64)
    for s in range(0, len(vectors), chunk):
        x = np.asarray(vectors[s:s + chunk], dtype=np.float64)  # [b, d]
        if metric == "dot":
            out[s:s + chunk] = x @ q
        elif metric == "cosine":
            norms = np.linalg.norm(x, axis=1) * q_norm  # [b]
            out[s:s + chunk] = np.divide(x @ q, norms, out=np.zeros(len(x)), where=norms > 0)
        else:
            out[s:s + chunk] = -np.linalg.norm(x - q, axis=1)
    return out


def nearest(vectors: np.ndarray, query_row: int, metric: str, k: int, norms: np.ndarray | None = None) -> np.ndarray:
    """The same rows as ``best_first(scores_for(vectors, vectors[query_row], metric), k, exclude=query_row)``, faster.

    Scores every row in float32 (one matrix-vector product), keeps every row that float32 rounding could
    place in the top k (a margin far above the rounding error of a d-term dot product), and orders those
    few by their exact float64 scores. ``norms``: the rows' lengths, if already known.
    """
    x = np.asarray(vectors, dtype=np.float32)  # [n, d]
    q = x[query_row]
    dots = x @ q  # [n] float32
    norms = row_norms(x) if norms is None else np.asarray(norms, dtype=np.float32)
    q_norm = float(norms[query_row])
    scale = float(norms.max()) * max(q_norm, 1e-30)
    if metric == "dot":
        approx, tol = dots, 1e-4 * scale
    elif metric == "cosine":
        denom = norms * q_norm
        approx, tol = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0), 1e-4
    elif metric == "l2":  # minus the squared distance, by |x|^2 - 2 x.q + |q|^2
        approx = -(norms.astype(np.float32) ** 2 - 2 * dots + q_norm ** 2)
        tol = 1e-4 * (float(norms.max()) ** 2 + q_norm ** 2)
    else:
        raise ValueError(f"unknown metric {metric!r}")
    approx = approx.astype(np.float64)
    approx[query_row] = -np.inf
    k = max(0, min(int(k), len(x) - 1))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(approx, len(approx) - k)[len(approx) - k]
    cand = np.flatnonzero(approx >= kth - tol)  # [m], m >= k, in index order
    exact = scores_for(x[cand], q, metric)
    return cand[best_first(exact, k)]


def rankings(vectors: np.ndarray, query_row: int, k: int) -> dict[str, list[int]]:
    """The k nearest other rows to row ``query_row`` by each measure, best first."""
    q = np.asarray(vectors[query_row])
    return {m: best_first(scores_for(vectors, q, m), k, exclude=query_row).tolist() for m in METRICS}


def centred(x: np.ndarray) -> np.ndarray:
    """Rows minus their mean (the mean vector of the set)."""
    x = np.asarray(x, dtype=np.float32)
    return x - x.mean(axis=0, keepdims=True)


def pairwise_cosines(x: np.ndarray) -> np.ndarray:
    """Cosine of every distinct pair (i < j) of rows: [n (n-1) / 2]."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    u = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    sims = u @ u.T  # [n, n]
    i, j = np.triu_indices(len(u), k=1)
    return sims[i, j]


# -- collapse: spectrum, effective rank, mean cosine, spread -----------------------------------------------------
def singular_values(x: np.ndarray) -> np.ndarray:
    """Singular values of the matrix ``x`` [n, d] (as given: not centred), largest first.

    Up to 2 million entries: LAPACK SVD. Larger: the square roots of the eigenvalues of the d x d
    (or n x n) Gram matrix in float64, which is one pass over the data.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return np.zeros(0)
    if x.size <= 2_000_000:
        return np.linalg.svd(x, compute_uv=False)
    gram = x.T @ x if x.shape[0] >= x.shape[1] else x @ x.T  # [d, d] or [n, n]
    eig = np.linalg.eigvalsh(gram)[::-1]
    return np.sqrt(np.clip(eig, 0.0, None))


def effective_rank(s: np.ndarray) -> float:
    """RankMe (Garrido et al. 2023): exp(-sum p_k log p_k) with p_k = s_k / sum(s); 0 log 0 = 0."""
    s = np.asarray(s, dtype=np.float64)
    total = s.sum()
    if total <= 0:
        return 0.0
    p = s[s > 0] / total
    return float(np.exp(-(p * np.log(p)).sum()))


def mean_pairwise_cosine(x: np.ndarray) -> float:
    """Mean cosine over distinct pairs i != j, exactly, in O(n d): (|sum u|^2 - n) / (n (n - 1)).

    ``u`` are the rows scaled to length 1; rows of length 0 are left out (their cosine is undefined).
    """
    u = l2_normalise(x)  # [n, d] float32
    n = int((row_norms(x) > 0).sum())
    if n < 2:
        return 0.0
    total = u.sum(axis=0, dtype=np.float64)  # [d]
    return float((total @ total - n) / (n * (n - 1)))


def dimension_spread(x: np.ndarray) -> np.ndarray:
    """Standard deviation of each dimension over the rows: [d]."""
    return np.asarray(x, dtype=np.float64).std(axis=0)


def top_directions(x: np.ndarray, k: int) -> np.ndarray:
    """The k right singular vectors of ``x`` with the largest singular values: [k, d]."""
    x = np.asarray(x, dtype=np.float64)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    return vt[:k]


def project_onto(x: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Each row replaced by its projection onto the span of ``directions`` [k, d] (orthonormal rows)."""
    x = np.asarray(x, dtype=np.float64)
    return ((x @ directions.T) @ directions).astype(np.float32)  # [n, k] @ [k, d] -> [n, d]


# -- cutting and quantising ---------------------------------------------------------------------------------------
def pca_rotation(x: np.ndarray) -> np.ndarray:
    """An orthogonal d x d matrix whose columns are the principal directions of ``x``, largest variance first.

    ``x @ R`` is a rotation: dot products and lengths stay the same, but the first columns now carry the
    most variance, so a prefix cut of the rotated vectors keeps as much as a cut can.
    """
    from sklearn.decomposition import PCA

    x = np.asarray(x, dtype=np.float64)
    pca = PCA(n_components=x.shape[1], svd_solver="full").fit(x)
    return pca.components_.T  # [d, d]


def cut(x: np.ndarray, dims: int, rotation: np.ndarray | None = None) -> np.ndarray:
    """The first ``dims`` numbers of each row (after ``rotation`` if given), scaled back to length 1."""
    x = np.asarray(x, dtype=np.float64)
    if rotation is not None:
        x = x @ rotation[:, :dims]  # [n, dims]
    else:
        x = x[:, :dims]
    return l2_normalise(x)


@dataclass(frozen=True)
class Int8Scale:
    """Per-dimension scalar quantisation: 256 levels between the set's min and max of each dimension."""
    low: np.ndarray  # [d]
    high: np.ndarray  # [d]

    @classmethod
    def fit(cls, x: np.ndarray) -> "Int8Scale":
        x = np.asarray(x, dtype=np.float32)
        return cls(x.min(axis=0), x.max(axis=0))

    def encode(self, x: np.ndarray) -> np.ndarray:
        span = np.where(self.high > self.low, self.high - self.low, 1.0)
        steps = np.round((np.asarray(x, dtype=np.float32) - self.low) / span * 255.0)
        return (np.clip(steps, 0, 255) - 128).astype(np.int8)  # [n, d]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        span = np.where(self.high > self.low, self.high - self.low, 1.0)
        return ((codes.astype(np.float32) + 128.0) / 255.0 * span + self.low).astype(np.float32)


def bytes_per_vector(kind: str, dims: int) -> int:
    """Storage of one vector of ``dims`` numbers: 4, 2 or 1 byte each, or one bit each (rounded up to bytes)."""
    return {"float32": 4 * dims, "float16": 2 * dims, "int8": dims, "binary": (dims + 7) // 8}[kind]


def quantised(x: np.ndarray, kind: str, scale: Int8Scale | None = None) -> np.ndarray:
    """What the search sees after storing the rows ``x`` as ``kind``: float rows, or packed bits (binary).

    int8: 256 levels between each dimension's min and max over ``x``. binary: one bit per number, 1 where
    it is above that dimension's mean over ``x`` (for centred vectors, the sign; features that are never
    negative, like EfficientNet's, would otherwise be all ones).
    """
    x = np.asarray(x, dtype=np.float32)
    if kind == "float32":
        return x
    if kind == "float16":
        return x.astype(np.float16).astype(np.float32)
    if kind == "int8":
        scale = scale or Int8Scale.fit(x)
        return scale.decode(scale.encode(x))
    if kind == "binary":
        return np.packbits(x > x.mean(axis=0), axis=1)  # [n, ceil(d / 8)] uint8
    raise ValueError(f"unknown quantisation {kind!r}")


def quantised_scores(base: np.ndarray, queries: np.ndarray, kind: str) -> np.ndarray:
    """Similarity of each query to each base row as the stored form allows: [nq, n], higher is nearer.

    Floats: dot product of the stored (decoded) rows. Binary: minus the Hamming distance of the sign bits.
    """
    if kind == "binary":
        xor = np.bitwise_xor(queries[:, None, :], base[None, :, :])  # [nq, n, bytes]
        return -np.bitwise_count(xor).sum(axis=2, dtype=np.int64).astype(np.float64)
    return queries.astype(np.float64) @ base.astype(np.float64).T


def neighbours_of(base: np.ndarray, query_rows: np.ndarray, k: int, kind: str = "float32") -> np.ndarray:
    """For each query row of ``base`` (already transformed), its k nearest other rows: [nq, k]."""
    out = np.empty((len(query_rows), k), dtype=np.int64)
    for s in range(0, len(query_rows), 64):  # bounded memory for the binary [nq, n, bytes] array
        rows = query_rows[s:s + 64]
        scores = quantised_scores(base, base[rows], kind)  # [chunk, n]
        out[s:s + 64] = top_k_rows(scores, k, exclude=rows)
    return out
