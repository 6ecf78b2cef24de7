"""2-D / 3-D pictures of a vector space (PCA or UMAP), and how honest they are."""
from __future__ import annotations

import numpy as np

SEED = 0


def project(vectors: np.ndarray, method: str = "pca", dims: int = 2, seed: int = SEED) -> np.ndarray:
    """[n, d] -> [n, dims] coordinates. PCA is exact linear; UMAP keeps local neighbourhoods."""
    vectors = np.asarray(vectors, dtype=np.float32)
    n = vectors.shape[0]
    if n == 0:
        return np.zeros((0, dims), dtype=np.float32)
    if method == "umap" and n > dims + 2:
        import umap

        reducer = umap.UMAP(n_components=dims, n_neighbors=min(15, n - 1), min_dist=0.1, metric="cosine",
                            random_state=seed, init="random" if n <= dims + 4 else "spectral")
        return reducer.fit_transform(vectors).astype(np.float32)
    from sklearn.decomposition import PCA

    k = min(dims, n, vectors.shape[1])
    coords = PCA(n_components=k, random_state=seed).fit_transform(vectors)
    if k < dims:
        coords = np.pad(coords, ((0, 0), (0, dims - k)))
    return coords.astype(np.float32)


def neighbour_overlap(vectors: np.ndarray, coords: np.ndarray, query: int, k: int) -> tuple[set[int], set[int]]:
    """The query's k nearest items by cosine in the full space, and by distance in the picture."""
    others = np.array([i for i in range(len(vectors)) if i != query])
    k = min(k, len(others))
    cos = vectors[others] @ vectors[query]
    dist = np.linalg.norm(coords[others] - coords[query], axis=1)
    true = set(others[np.argsort(-cos, kind="stable")[:k]].tolist())
    shown = set(others[np.argsort(dist, kind="stable")[:k]].tolist())
    return true, shown
