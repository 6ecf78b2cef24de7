"""Column encoders: how one value of a table column becomes numbers. Pure numpy, no torch, no Gradio.

Every encoder is *fitted on the training rows only* and then applied to any row, so a value the
training rows never had (an unseen airport, a distance beyond the largest) still gets numbers:

- categorical: a ``Vocabulary`` (categories seen at least ``min_count`` times; row 0 is ``UNK``
  for every rarer or unseen category), then either one-hot (width = vocabulary size) or an index
  into a learned embedding table (width = the table's dimension);
- numeric: raw, standardised ``(x - mean) / std`` (population std, as scikit-learn's
  StandardScaler), quantile buckets (one-hot of the bin), or piecewise-linear encoding (PLE,
  Gorishniy, Rubachev & Babenko 2022, "On Embeddings for Numerical Features in Tabular Deep
  Learning") with the training quantiles as bin edges;
- a hashed feature cross of two columns: the pair ``"a×b"`` hashed with MurmurHash3 (scikit-learn's
  ``FeatureHasher`` hash) into a fixed number of buckets, so unrelated pairs can collide.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

UNK = "UNK"  # the shared row for rare and unseen categories (always index 0)
MISSING = "(missing)"  # what an empty categorical cell is called


# -- categorical ------------------------------------------------------------------------------------
def category_strings(values) -> list[str]:
    """Cells as category names: missing cells become '(missing)', numbers keep their text (7 not 7.0)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(MISSING)
        elif isinstance(v, (float, np.floating)) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


@dataclass
class Vocabulary:
    """Categories kept for a column: ``index(value)`` is 0 (UNK) or 1.. in order of training count."""

    categories: list[str]  # without UNK; categories[i] has index i + 1
    counts: list[int]  # training count of each kept category
    unk_count: int  # training rows folded into UNK (categories below min_count)
    folded: int  # how many distinct training categories were folded into UNK
    min_count: int
    _lookup: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._lookup = {c: i + 1 for i, c in enumerate(self.categories)}

    @classmethod
    def fit(cls, values, min_count: int = 1) -> "Vocabulary":
        counts = Counter(category_strings(values))
        keep = sorted(((c, n) for c, n in counts.items() if n >= min_count), key=lambda cn: (-cn[1], cn[0]))
        rare = [n for c, n in counts.items() if n < min_count]
        return cls([c for c, _ in keep], [n for _, n in keep], int(sum(rare)), len(rare), int(min_count))

    @property
    def size(self) -> int:
        """Rows of the table, UNK included."""
        return len(self.categories) + 1

    def names(self) -> list[str]:
        return [UNK] + self.categories

    def index(self, values) -> np.ndarray:
        """[n] int64: each value's row (0 = UNK for rare or never-seen categories)."""
        return np.array([self._lookup.get(v, 0) for v in category_strings(values)], dtype=np.int64)


def one_hot(index: np.ndarray, size: int) -> np.ndarray:
    """[n, size] float32 with a single 1 per row, at ``index``."""
    out = np.zeros((len(index), size), dtype=np.float32)  # [n, size]
    out[np.arange(len(index)), index] = 1.0
    return out


# -- numeric ----------------------------------------------------------------------------------------
@dataclass
class Scaler:
    mean: float
    std: float

    @classmethod
    def fit(cls, x: np.ndarray) -> "Scaler":
        x = np.asarray(x, dtype=np.float64)
        std = float(x.std())  # population std (ddof=0), as sklearn's StandardScaler
        return cls(float(x.mean()), std if std > 0 else 1.0)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, dtype=np.float64) - self.mean) / self.std).astype(np.float32)  # [n]


def quantile_edges(x: np.ndarray, bins: int) -> np.ndarray:
    """Bin edges b_0 < ... < b_T at the training quantiles 0, 1/bins, ..., 1.

    Repeated quantiles (a column with few distinct values) are merged, so T can be below ``bins``;
    a constant column gets the two edges (v, v + 1).
    """
    x = np.asarray(x, dtype=np.float64)
    edges = np.unique(np.quantile(x, np.linspace(0.0, 1.0, int(bins) + 1)))
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0] + 1.0])
    return edges


def bucket_index(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """[n] int64 bin t in 0..T-1 with b_t <= x < b_{t+1}; values below b_0 / above b_T go to the first / last bin."""
    inner = np.asarray(edges, dtype=np.float64)[1:-1]
    return np.searchsorted(inner, np.asarray(x, dtype=np.float64), side="right").astype(np.int64)


def ple(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Piecewise-linear encoding: [n, T] with component t (1..T) equal to

    0 if x < b_{t-1};  1 if x >= b_t;  (x - b_{t-1}) / (b_t - b_{t-1}) in between.

    So a value in bin t reads 1, ..., 1, fraction, 0, ..., 0: the bins below are full, its own bin is
    filled to where the value sits, the bins above are empty. (The paper leaves the first and last
    component unclipped, so values outside the training range extrapolate; here they are clipped to
    0..1 as the lesson states.)
    """
    x = np.asarray(x, dtype=np.float64)[:, None]  # [n, 1]
    lo = np.asarray(edges, dtype=np.float64)[None, :-1]  # [1, T]  b_{t-1}
    hi = np.asarray(edges, dtype=np.float64)[None, 1:]  # [1, T]  b_t
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)  # [n, T]


# -- hashed cross -----------------------------------------------------------------------------------
def cross_tokens(a, b) -> list[str]:
    return [f"{x}×{y}" for x, y in zip(category_strings(a), category_strings(b))]


def hash_bucket(tokens: list[str], buckets: int) -> np.ndarray:
    """[n] int64 bucket of each token: |MurmurHash3_32(token, seed 0)| mod buckets (sklearn FeatureHasher's index)."""
    from sklearn.utils import murmurhash3_32

    return np.array([abs(int(murmurhash3_32(t, seed=0))) % int(buckets) for t in tokens], dtype=np.int64)


@dataclass
class CrossStats:
    pairs: int  # distinct (a, b) pairs in the training rows
    buckets: int  # buckets available
    used: int  # buckets that hold at least one pair
    shared_buckets: int  # buckets that hold two or more different pairs
    colliding_pairs: int  # pairs that share their bucket with another pair

    @property
    def collisions(self) -> int:
        """Pairs that lost their own row: distinct pairs minus buckets used."""
        return self.pairs - self.used


def cross_stats(tokens: list[str], buckets: int) -> CrossStats:
    distinct = sorted(set(tokens))
    per_bucket = Counter(hash_bucket(distinct, buckets).tolist())
    shared = [n for n in per_bucket.values() if n > 1]
    return CrossStats(len(distinct), int(buckets), len(per_bucket), len(shared), int(sum(shared)))


# -- fastai's and the fourth-root rule for an embedding's size ---------------------------------------
def fastai_dim(n: int) -> int:
    """fastai's ``emb_sz_rule``: min(600, round(1.6 * n ** 0.56)) for a column with n categories."""
    return int(min(600, round(1.6 * n ** 0.56)))


def fourth_root_dim(n: int) -> int:
    """The fourth-root rule (Google's feature-column guide): about n ** 0.25, at least 1."""
    return max(1, int(round(n ** 0.25)))
