"""Cosine similarity and top-k search over unit vectors."""
from __future__ import annotations

import numpy as np


def cosine_matrix(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of unit rows: ``a @ b.T`` clipped to [-1, 1].

    When ``b`` is None the result is the symmetric self-similarity of ``a``
    with an exact diagonal of ones.
    """
    a = np.asarray(a, dtype=np.float32)
    same = b is None
    b = a if same else np.asarray(b, dtype=np.float32)
    sims = np.clip(a @ b.T, -1.0, 1.0)  # [n_a, n_b]
    if same:
        sims = (sims + sims.T) / 2.0
        np.fill_diagonal(sims, 1.0)
    return sims.astype(np.float32)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the k largest entries in each row, best first.

    scores: [n_queries, n_items] -> (indices [n_queries, k'], values [n_queries, k'])
    with k' = min(k, n_items). Ties are broken by the lower index.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float32))
    n_items = scores.shape[1]
    k = max(0, min(int(k), n_items))
    if k == 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    if k < n_items:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(n_items), (scores.shape[0], 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    # sort by score descending, then index ascending (lexsort: last key is primary)
    order = np.lexsort((part, -part_scores), axis=1)
    idx = np.take_along_axis(part, order, axis=1)
    return idx.astype(np.int64), np.take_along_axis(scores, idx, axis=1)


def search(queries: np.ndarray, items: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest neighbours by cosine similarity (unit vectors)."""
    return top_k(cosine_matrix(queries, items), k)
