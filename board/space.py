"""The class board's vector space: which encoder, a stable 2-D map, neighbours and groups. No Gradio.

- ``space_for(kind)``: sentences only -> MiniLM; sentences + pictures -> CLIP where it loads, else the
  label bridge; sentences + sounds -> CLAP where it loads, else the bridge; all three -> the bridge
  (the only space here that holds text, images and sounds together).
- ``embed_one``: one item -> one unit vector (and, for the bridge, the class names it was read as).
- ``StableMap``: PCA (or UMAP) fitted once, new points placed with ``transform`` so old ones never
  move; refitted on demand (and automatically while the board is young: at 3, 6, 12 and 24 items),
  each refit rotated/flipped/scaled onto the previous layout (orthogonal Procrustes) so the picture
  keeps its orientation.
- ``neighbours``: each item's nearest items by cosine; ``cluster``: k-means, each group named by its
  most central item; ``assign``: new items to the nearest existing group.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from media.errors import InputError

SEED = 0
KINDS = {  # what students may add -> the modalities
    "text": ("text",),
    "text+image": ("text", "image"),
    "text+audio": ("text", "audio"),
    "all": ("text", "image", "audio"),
}
AUTO_FIT_SIZES = (3, 6, 12, 24)  # the map refits itself when the board first reaches these sizes
UMAP_MIN_ITEMS = 10  # fewer items: PCA (UMAP's neighbourhood graph needs some items)


def check_kind(kind: str) -> str:
    key = (kind or "text").strip().lower()
    if key not in KINDS:
        raise InputError(f"Unknown board kind '{kind}'; use one of: {', '.join(KINDS)}.")
    return key


def space_for(kind: str, warn=None) -> str:
    """The encoder key whose space a board of this kind lives in (all its items share it)."""
    kind = check_kind(kind)
    if kind == "text":
        return "minilm"
    if kind == "all":
        return "bridge"
    from lab.search import choose_space

    return choose_space("text", (KINDS[kind][1],), "auto", warn)


def space_name(key: str) -> str:
    """How the board names its space: the encoder's own words ('MiniLM text space', 'CLIP space', ...)."""
    from encoders import get_encoder

    return get_encoder(key).info.space


def embed_one(key: str, modality: str, value) -> tuple[np.ndarray, tuple[str, ...]]:
    """(unit vector [dim], what the classifier read it as) for one decoded item in space ``key``.

    The second part is only filled for pictures and sounds in the label bridge, whose vector is
    built from those class names (a true description of why the item lands where it does).
    """
    from encoders import EncoderUnavailable, get_encoder
    from lab.inputs import Item
    from lab.service import embed_items

    enc = get_encoder(key)
    if modality not in enc.info.modalities:
        raise InputError(f"This board's space ({enc.info.space}) cannot hold {modality}.")
    if key == "bridge" and modality != "text":
        try:
            vectors, top = enc.encode_with_terms(modality, [value], k=3)  # [1, dim]
        except EncoderUnavailable as exc:
            raise InputError(f"The {enc.info.label} model is not available here: {exc}")
        terms = tuple(f"{name} ({p:.0%})" for name, p in top[0])
        return vectors[0].astype(np.float32), terms
    emb = embed_items(modality, [Item("item", value)], key)
    return emb.vectors[0].astype(np.float32), ()


# -- the map ---------------------------------------------------------------------------
def _fit_model(vectors: np.ndarray, method: str):
    """A fitted reducer with ``transform`` (PCA or UMAP), and the training points' coordinates."""
    n = len(vectors)
    if method == "umap" and n >= UMAP_MIN_ITEMS:
        import umap

        model = umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1, metric="cosine",
                          random_state=SEED)
        coords = model.fit_transform(vectors)  # [n, 2]
        return model, np.asarray(coords, dtype=np.float64)
    from sklearn.decomposition import PCA

    model = PCA(n_components=2, random_state=SEED).fit(vectors)
    return model, model.transform(vectors).astype(np.float64)  # [n, 2]


def _procrustes(moving: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(R [2,2], scale, mean of moving, mean of target) so that (moving - m) R s + t ~ target."""
    from scipy.linalg import orthogonal_procrustes

    m, t = moving.mean(axis=0), target.mean(axis=0)
    a, b = moving - m, target - t
    rot, sv_sum = orthogonal_procrustes(a, b)
    norm = float((a * a).sum())
    scale = sv_sum / norm if norm > 1e-12 else 1.0
    return rot, float(scale), m, t


class StableMap:
    """2-D coordinates for a growing set of items that do not move when items are added.

    ``sync(ids, vectors)`` gives every id a position: new ids are placed with the fitted model's
    ``transform`` (old ones keep theirs); the model is (re)fitted only when there is none yet, on
    the board's way through ``AUTO_FIT_SIZES``, or when ``refit`` is called. Not thread-safe:
    its owner (a room) holds a lock.
    """

    def __init__(self, method: str = "pca") -> None:
        self.method = method
        self.model = None
        self.fitted_on = 0  # how many items the current model was fitted on
        self.fits = 0
        self.coords: dict[str, np.ndarray] = {}
        self._affine = (np.eye(2), 1.0, np.zeros(2), np.zeros(2))
        self._lo = np.full(2, np.inf)
        self._hi = np.full(2, -np.inf)

    @property
    def used_method(self) -> str:
        """What the current layout really is ('pca' while a board is too small for UMAP)."""
        if self.model is None:
            return "pca"
        return "umap" if type(self.model).__name__ == "UMAP" else "pca"

    def _apply(self, raw: np.ndarray) -> np.ndarray:
        rot, scale, m, t = self._affine
        return (raw - m) @ rot * scale + t

    def _grow(self, pts: np.ndarray) -> None:
        if len(pts):
            self._lo = np.minimum(self._lo, pts.min(axis=0))
            self._hi = np.maximum(self._hi, pts.max(axis=0))

    def extent(self, pad: float = 0.12) -> tuple[tuple[float, float], tuple[float, float]]:
        """Axis ranges that only grow between refits (so the picture does not rescale on each update)."""
        if not np.all(np.isfinite(self._lo)):
            return (-1.0, 1.0), (-1.0, 1.0)
        span = np.maximum(self._hi - self._lo, 1e-3)
        lo, hi = self._lo - pad * span, self._hi + pad * span
        return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))

    def reset(self) -> None:
        self.__init__(self.method)

    def _tiny(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """One item sits in the middle; two sit apart by their true distance."""
        self.coords = {}
        if len(ids) == 1:
            self.coords[ids[0]] = np.zeros(2)
        elif len(ids) == 2:
            d = float(np.linalg.norm(vectors[0] - vectors[1]))
            self.coords[ids[0]], self.coords[ids[1]] = np.array([-d / 2, 0.0]), np.array([d / 2, 0.0])
        self._lo, self._hi = np.full(2, np.inf), np.full(2, -np.inf)
        self._grow(np.array(list(self.coords.values())).reshape(-1, 2))

    def refit(self, ids: Sequence[str], vectors: np.ndarray, method: str | None = None) -> None:
        """Fit the reducer on all current items; keep the old layout's orientation where items overlap."""
        if method:
            self.method = method
        ids = list(ids)
        vectors = np.asarray(vectors, dtype=np.float32)  # [n, dim]
        if len(ids) < 3:
            self.model, self.fitted_on = None, 0
            self._affine = (np.eye(2), 1.0, np.zeros(2), np.zeros(2))
            self._tiny(ids, vectors)
            return
        model, raw = _fit_model(vectors, self.method)  # raw: [n, 2]
        shared = [i for i, key in enumerate(ids) if key in self.coords]
        if len(shared) >= 3:
            old = np.array([self.coords[ids[i]] for i in shared])  # [m, 2]
            self._affine = _procrustes(raw[shared], old)
        else:
            self._affine = (np.eye(2), 1.0, np.zeros(2), np.zeros(2))
        placed = self._apply(raw)
        self.model, self.fitted_on, self.fits = model, len(ids), self.fits + 1
        self.coords = {key: placed[i] for i, key in enumerate(ids)}
        self._lo, self._hi = np.full(2, np.inf), np.full(2, -np.inf)
        self._grow(placed)

    def _due(self, n: int) -> bool:
        if self.model is None:
            return True
        return any(self.fitted_on < size <= n for size in AUTO_FIT_SIZES)

    def sync(self, ids: Sequence[str], vectors: np.ndarray) -> bool:
        """Positions for exactly ``ids`` (rows of ``vectors``); True when the map was refitted."""
        ids = list(ids)
        wanted = set(ids)
        self.coords = {k: v for k, v in self.coords.items() if k in wanted}
        if not ids:
            return False
        if self._due(len(ids)):
            self.refit(ids, vectors)
            return True
        new = [i for i, key in enumerate(ids) if key not in self.coords]
        if new:
            raw = self.model.transform(np.asarray(vectors, dtype=np.float32)[new])  # [k, 2]
            placed = self._apply(np.asarray(raw, dtype=np.float64))
            for j, i in enumerate(new):
                self.coords[ids[i]] = placed[j]
            self._grow(placed)
        return False

    def positions(self, ids: Sequence[str]) -> np.ndarray:
        return np.array([self.coords[k] for k in ids], dtype=np.float64).reshape(-1, 2)  # [n, 2]


# -- neighbours and groups ----------------------------------------------------------------
def neighbours(vectors: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """For unit rows [n, dim]: (indices [n, k'], cosines [n, k']) of each row's nearest other rows."""
    v = np.asarray(vectors, dtype=np.float32)
    n = len(v)
    k = max(0, min(k, n - 1))
    if k == 0:
        return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    sims = v @ v.T  # [n, n]
    np.fill_diagonal(sims, -np.inf)
    idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]  # [n, k]
    return idx, np.take_along_axis(sims, idx, axis=1)


@dataclass
class Clustering:
    labels: np.ndarray  # [n] group of each item
    centroids: np.ndarray  # [k, dim], unit length
    central: list[int]  # per group: the index of its most central item (its name)
    k: int
    silhouette: float | None  # cosine silhouette of this grouping (None for one group)
    chosen: bool  # True when k was picked by the silhouette score


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def cluster(vectors: np.ndarray, k: int = 0, max_k: int = 8) -> Clustering:
    """k-means (k-means++, 10 starts, seed 0) on unit rows; k=0 picks k in 2..max_k by the cosine silhouette."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    v = np.asarray(vectors, dtype=np.float32)
    n = len(v)
    if n == 0:
        raise InputError("The board is empty: add items before grouping them.")
    if n < 3 or k == 1:
        centroid = _unit(v.mean(axis=0, keepdims=True))
        return Clustering(np.zeros(n, dtype=np.int64), centroid, [int(np.argmax(v @ centroid[0]))], 1, None, False)
    chosen = k == 0
    candidates = range(2, min(max_k, n - 1) + 1) if chosen else [min(k, n)]
    best = None
    for kk in candidates:
        km = KMeans(n_clusters=kk, n_init=10, random_state=SEED).fit(v)
        # Items belong to the nearest unit centroid by cosine, the same rule that places later items.
        centroids = _unit(km.cluster_centers_.astype(np.float32))  # [kk, dim]
        labels = assign(v, centroids)
        kept = [g for g in range(kk) if np.any(labels == g)]
        centroids, labels = centroids[kept], np.searchsorted(np.array(kept), labels).astype(np.int64)
        score = (float(silhouette_score(v, labels, metric="cosine"))
                 if 1 < len(kept) < n else None)
        if best is None or (score is not None and (best[2] is None or score > best[2])):
            best = (labels, centroids, score)
    labels, centroids, score = best
    central = []
    for g in range(len(centroids)):
        members = np.flatnonzero(labels == g)
        central.append(int(members[np.argmax(v[members] @ centroids[g])]))
    return Clustering(labels, centroids, central, len(centroids), score, chosen)


def assign(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The group of each unit row [n, dim]: its nearest centroid [k, dim] by cosine."""
    v = np.asarray(vectors, dtype=np.float32)
    c = np.asarray(centroids, dtype=np.float32)
    if len(v) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.argmax(v @ c.T, axis=1).astype(np.int64)  # [n]
