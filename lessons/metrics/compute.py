"""Similarity measures: one query ranked by cosine, dot product and Euclidean distance, raw and normalised.

Pure computation, no Gradio. The rankings come from ``space.stats`` (float64, ties to the lower row);
the query itself is left out of every ranking ("the k nearest *other* rows").

Why the three agree after normalising: for unit vectors ``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b = 2 - 2 a.b``,
so a smaller distance is exactly a larger dot product, and the dot product of unit vectors *is* the cosine.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from gradio import FileData

from lessons.vector_sets import VectorSet, load_set
from media.errors import InputError
from space import stats

MAX_K = 50
PAIR_SAMPLE = 1_500  # rows whose distinct pairs (about 1.1 million) show the distribution of cosines
COSINE_BINS = np.linspace(-1.0, 1.0, 81)  # fixed bins: comparable between sets and runs
EXAMPLE_WORD = "frog"  # GloVe: dot product prefers long vectors of rare taxonomic words


@dataclass
class Ranking:
    metric: str  # "cosine" | "dot" | "l2"
    rows: list[int]  # best first
    values: list[float]  # cosine, dot product, or distance (not negated)


@dataclass
class Pairwise:
    """Cosines of the distinct pairs of a fixed sample of rows, before and after subtracting the mean."""
    rows: int  # rows in the sample
    pairs: int
    mean_raw: float
    mean_centred: float
    counts_raw: np.ndarray = field(repr=False)  # [80] over COSINE_BINS
    counts_centred: np.ndarray = field(repr=False)


@dataclass
class MetricsResult:
    vset: VectorSet = field(repr=False)
    query: int
    k: int
    raw: list[Ranking]
    normalised: list[Ranking]
    norms: np.ndarray = field(repr=False)  # [n] length of every row
    pairwise: Pairwise | None = None

    def norm_histogram(self, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """(counts [bins], edges [bins + 1]) of the rows' lengths, from 0 to the longest."""
        return np.histogram(self.norms, bins=bins, range=(0.0, float(self.norms.max()) * 1.0001 or 1.0))

    @property
    def agree_raw(self) -> bool:
        return len({tuple(r.rows) for r in self.raw}) == 1

    @property
    def agree_normalised(self) -> bool:
        return len({tuple(r.rows) for r in self.normalised}) == 1

    def as_json(self) -> dict:
        def block(rankings: list[Ranking]) -> dict:
            return {r.metric: r.rows for r in rankings}

        rows = sorted({i for r in self.raw + self.normalised for i in r.rows} | {self.query})
        return {
            "vectors": self.vset.name, "label": self.vset.label, "n": self.vset.n, "dim": self.vset.dim,
            "query": self.query, "query_label": self.vset.labels[self.query], "k": self.k,
            "rankings": block(self.raw), "normalised": block(self.normalised),
            "agree_raw": self.agree_raw, "agree_normalised": self.agree_normalised,
            "labels": {str(i): self.vset.labels[i] for i in rows},
            "norms": {"min": float(self.norms.min()), "median": float(np.median(self.norms)),
                      "max": float(self.norms.max()), "query": float(self.norms[self.query])},
        }


# -- prepared sets: row lengths and unit rows, computed once per bundled set -------------------------------
@dataclass
class Prepared:
    norms: np.ndarray  # [n] length of every row (float64)
    unit: np.ndarray  # [n, d] the rows scaled to length 1
    unit_norms: np.ndarray  # [n] their lengths: 1, or 0 for a zero row


_prepared: dict[tuple, Prepared] = {}
_prep_lock = threading.Lock()


def prepared(vset: VectorSet) -> Prepared:
    """Row lengths and unit rows of a set; bundled sets are kept in memory."""
    key = (vset.name, vset.n, vset.dim, vset.labels[0])
    if vset.kind != "upload":
        with _prep_lock:
            if key in _prepared:
                return _prepared[key]
    unit = stats.l2_normalise(vset.vectors)
    out = Prepared(stats.row_norms(vset.vectors).astype(np.float64), unit, stats.row_norms(unit))
    if vset.kind != "upload":
        with _prep_lock:
            if len(_prepared) > 6:
                _prepared.clear()
            _prepared[key] = out
    return out


def example_row(vset: VectorSet) -> int:
    if vset.kind == "words":
        return vset.row_of(EXAMPLE_WORD)
    return 0


def check_k(k, n: int) -> int:
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError("k must be a whole number (how many neighbours to list).")
    if not 1 <= k <= MAX_K:
        raise InputError(f"k must be between 1 and {MAX_K}.")
    if k > n - 1:
        raise InputError(f"This set has {n} rows, so at most {n - 1} other rows can be ranked; lower k.")
    return k


def rank(vectors: np.ndarray, query: int, k: int, norms: np.ndarray | None = None) -> list[Ranking]:
    out = []
    for metric in stats.METRICS:
        rows = stats.nearest(vectors, query, metric, k, norms)
        scores = stats.scores_for(np.asarray(vectors)[rows], np.asarray(vectors)[query], metric)
        values = -scores if metric == "l2" else scores
        out.append(Ranking(metric, rows.tolist(), [float(v) for v in values]))
    return out


def pairwise(vset: VectorSet, sample: int = PAIR_SAMPLE) -> Pairwise:
    """Cosines of all distinct pairs of up to ``sample`` rows (fixed seed), raw and mean-centred.

    The mean subtracted is the mean of the *whole* set (what "centring the embeddings" means).
    """
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(vset.n, sample, replace=False)) if vset.n > sample else np.arange(vset.n)
    x = np.asarray(vset.vectors[rows], dtype=np.float64)  # [m, d]
    mean = np.asarray(vset.vectors, dtype=np.float64).mean(axis=0)  # [d]
    raw, cen = stats.pairwise_cosines(x), stats.pairwise_cosines(x - mean)
    return Pairwise(len(rows), len(raw), float(raw.mean()), float(cen.mean()),
                    np.histogram(raw, COSINE_BINS)[0], np.histogram(cen, COSINE_BINS)[0])


_pair_cache: dict[tuple, Pairwise] = {}


def cached_pairwise(vset: VectorSet) -> Pairwise:
    if vset.kind == "upload":
        return pairwise(vset)
    key = (vset.name, vset.n)
    if key not in _pair_cache:
        _pair_cache[key] = pairwise(vset)
    return _pair_cache[key]


def compare(vectors: str = "glove", file=None, query: int | str | None = None, k: int = 10,
            with_pairs: bool = False) -> MetricsResult:
    vset = load_set(vectors, file)
    k = check_k(k, vset.n)
    if query is None or (isinstance(query, str) and not query.strip()):
        row = example_row(vset)
    elif isinstance(query, str):
        row = vset.row_of(query)
    else:
        row = int(query)
        if not 0 <= row < vset.n:
            raise InputError(f"Row {row} does not exist: this set has rows 0 to {vset.n - 1:,}.")
    p = prepared(vset)
    return MetricsResult(vset, row, k, rank(vset.vectors, row, k, p.norms), rank(p.unit, row, k, p.unit_norms), p.norms,
                         cached_pairwise(vset) if with_pairs else None)


# -- the public endpoint ----------------------------------------------------------------------------
def metrics(vectors: str = "glove", file: FileData | None = None, query: int | None = None, k: int = 10) -> dict:
    """Rank the other rows by cosine, dot product and Euclidean (L2) distance to row ``query``.

    ``vectors``: a bundled set (glove, glove-100k, glove-20k, efficientnet-raw, minilm-texts,
    efficientnet-images, yamnet-sounds, ...) or ``file``: your own .npy / .csv (one vector per row).
    ``query``: a row index (default: "frog" for GloVe, row 0 otherwise); ``k``: how many (1-50).
    Returns {"rankings": {"cosine", "dot", "l2"}, "normalised": {"cosine", "dot", "l2"}, ...}: each a
    list of row indices, best first, the query left out; "normalised" ranks the rows scaled to length 1,
    where all three agree (|a-b|^2 = 2 - 2 a.b). Also "labels" (row -> word / caption) and "norms".
    """
    return compare(vectors, file, query, k).as_json()
