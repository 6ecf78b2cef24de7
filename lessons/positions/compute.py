"""Positions: how a transformer, which sees its input as an unordered set, is told where each token is.

Pure numpy (MiniLM's table is read through the encoder). Four schemes:
- learned:    MiniLM/BERT's trained table ``embeddings.position_embeddings.weight`` (512 x 384); row p is
              added to the token vector at position p. There are 512 rows (0..511) and no more.
- sinusoidal: Vaswani et al. 2017, ``PE[p, 2i] = sin(p / 10000^(2i/d))``, ``PE[p, 2i+1] = cos(p / 10000^(2i/d))``;
              a formula, so any row can be computed.
- rope:       Su et al. 2021 (RoFormer): no table is added; queries and keys are rotated, pair of dimensions
              (2i, 2i+1) by the angle ``p * 10000^(-2i/d)``. The dot product of a query rotated for position m
              and a key rotated for position n depends only on n - m. Its "table" here is the rotation of the
              vector (1, 0, 1, 0, ...) / sqrt(d/2) for each position.
- alibi:      Press et al. 2022 (ALiBi): no table either; each attention head h adds ``-m_h * (i - j)`` to the
              score of query i for key j (j <= i, a causal model never looks ahead), with slopes m_h a
              geometric sequence (2^(-8/H), 2^(-16/H), ..., 2^-8 for H heads).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from media.errors import InputError

KINDS = ("sinusoidal", "learned", "rope", "alibi")
BASE = 10000.0  # Vaswani et al.'s and RoFormer's wavelength base
MAX_LENGTH = 512  # positions per request (MiniLM's table has exactly 512 rows)
MAX_DIM = 512
MAX_CELLS = 512 * 384  # length x dim of one table: the full learned table, ~2 MB of JSON at most
MAX_HEADS = 64
DEFAULT_DIM = {"sinusoidal": 64, "rope": 64, "learned": 384}
LEARNED_DIM = 384


# -- the four schemes -------------------------------------------------------------------------------
def sinusoidal(length: int, dim: int, start: int = 0) -> np.ndarray:
    """Vaswani et al.'s table for positions start..start+length-1: [length, dim] (dim even)."""
    p = np.arange(start, start + length, dtype=np.float64)[:, None]  # [length, 1]
    i = np.arange(dim // 2, dtype=np.float64)[None, :]  # [1, dim/2]
    angle = p / BASE ** (2 * i / dim)  # [length, dim/2]
    table = np.zeros((length, dim))  # [length, dim]
    table[:, 0::2] = np.sin(angle)  # even dimensions
    table[:, 1::2] = np.cos(angle)  # odd dimensions
    return table


def learned(length: int) -> np.ndarray:
    """Rows 0..length-1 of MiniLM's trained position table: [length, 384]."""
    from encoders import get_encoder

    minilm = get_encoder("minilm")
    rows = minilm.max_positions
    if length > rows:
        raise InputError(f"MiniLM's learned table has {rows} rows (positions 0 to {rows - 1}); there is no row for "
                         f"position {rows} or later, so it cannot give {length} positions. A formula (sinusoidal, "
                         "RoPE, ALiBi) can be computed for any position; a learned table cannot.")
    return minilm.position_table()[:length].astype(np.float64)  # [length, 384]


def rope_angles(positions: np.ndarray, dim: int) -> np.ndarray:
    """RoFormer's angles: position p turns pair i by p * 10000^(-2i/d). [positions, dim/2]"""
    freq = BASE ** (-np.arange(dim // 2, dtype=np.float64) * 2 / dim)  # [dim/2]
    return np.asarray(positions, dtype=np.float64)[:, None] * freq[None, :]  # [positions, dim/2]


def rope_rotate(x: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Rotate each vector x[k] (pairs of dimensions 2i, 2i+1) for position positions[k]. [k, dim] -> [k, dim]"""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))  # [k, dim]
    theta = rope_angles(positions, x.shape[1])  # [k, dim/2]
    cos, sin = np.cos(theta), np.sin(theta)  # [k, dim/2]
    even, odd = x[:, 0::2], x[:, 1::2]  # [k, dim/2] each
    out = np.empty_like(x)  # [k, dim]
    out[:, 0::2] = even * cos - odd * sin
    out[:, 1::2] = even * sin + odd * cos
    return out


def rope_table(length: int, dim: int) -> np.ndarray:
    """The vector (1, 0, 1, 0, ...)/sqrt(d/2) rotated for positions 0..length-1: [length, dim]."""
    x = np.zeros(dim)  # [dim]
    x[0::2] = 1 / math.sqrt(dim / 2)
    return rope_rotate(np.repeat(x[None, :], length, axis=0), np.arange(length))  # [length, dim]


def alibi_slopes(heads: int) -> list[float]:
    """Press et al.'s head slopes: a geometric sequence starting at 2^(-8/n) with that ratio (n a power
    of two); otherwise the slopes of the nearest lower power of two plus every other slope of the next
    (the paper's reference code)."""
    def power_of_two(n: int) -> list[float]:
        start = 2 ** (-8 / n)
        return [start ** (h + 1) for h in range(n)]

    if math.log2(heads).is_integer():
        return power_of_two(heads)
    lower = 2 ** math.floor(math.log2(heads))
    return power_of_two(lower) + alibi_slopes(2 * lower)[0::2][: heads - lower]


def alibi_bias(length: int, slope: float) -> np.ndarray:
    """[length, length] bias added to query i's score for key j: -slope * (i - j) for j <= i, -inf for j > i."""
    i = np.arange(length)[:, None]  # [length, 1]
    j = np.arange(length)[None, :]  # [1, length]
    bias = -slope * (i - j).astype(np.float64)  # [length, length]
    bias[j > i] = -np.inf  # causal: no key after the query
    return bias


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax; -inf entries get weight 0. [n, n] -> [n, n]"""
    z = scores - scores.max(axis=1, keepdims=True)  # [n, n]
    e = np.exp(z)  # [n, n]
    return e / e.sum(axis=1, keepdims=True)


def cosine_rows(table: np.ndarray) -> np.ndarray:
    unit = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)  # [length, dim]
    return unit @ unit.T  # [length, length]


def mean_by_offset(matrix: np.ndarray) -> np.ndarray:
    """Mean of matrix[p, p+k] over p, for offsets k = 0..n-1: [n]."""
    return np.array([np.diagonal(matrix, k).mean() for k in range(matrix.shape[0])])


# -- the relative property, numerically -------------------------------------------------------------
@dataclass
class OffsetCheck:
    dim: int
    offsets: np.ndarray  # [k] n - m
    starts: tuple[int, ...]  # query positions m
    rope: np.ndarray  # [starts, k] q.R_m^T R_n k: RoPE score of query at m, key at n = m + offset
    additive: np.ndarray  # [starts, k] (q + PE_m).(k + PE_n): sinusoids *added* to the same vectors
    rope_spread: float  # max over offsets of (max - min over starts): ~1e-13, only rounding
    additive_spread: float


def offset_check(dim: int = 64, starts: tuple[int, ...] = (0, 50, 200), max_offset: int = 64, seed: int = 0) -> OffsetCheck:
    """One random query q and key k (fixed seed). RoPE's score depends only on the offset; adding
    sinusoids to the same vectors gives a score that also depends on where the pair sits."""
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal(dim), rng.standard_normal(dim)  # [dim] each
    offsets = np.arange(max_offset + 1)  # [k]
    rope = np.empty((len(starts), len(offsets)))
    additive = np.empty_like(rope)
    for s, m in enumerate(starts):
        n = m + offsets  # [k] key positions
        rq = rope_rotate(q, np.array([m]))[0]  # [dim]
        rk = rope_rotate(np.repeat(k[None, :], len(n), axis=0), n)  # [k, dim]
        rope[s] = rk @ rq
        pe = sinusoidal(int(n[-1]) + 1, dim)  # [max position + 1, dim]
        additive[s] = (k[None, :] + pe[n]) @ (q + pe[m])
    return OffsetCheck(dim, offsets, tuple(starts), rope, additive,
                       float((rope.max(0) - rope.min(0)).max()), float((additive.max(0) - additive.min(0)).max()))


# -- one family, as the endpoint returns it ---------------------------------------------------------
@dataclass
class Positions:
    kind: str
    length: int
    dim: int  # table width (alibi: 0, its matrix is length x length)
    matrix: np.ndarray = field(repr=False)  # [length, dim] table, or alibi's [length, length] bias (-inf masked)
    similarity: np.ndarray = field(repr=False)  # [length, length]: P @ P.T, or alibi's attention weights
    by_offset: np.ndarray = field(repr=False)  # [length]: mean cosine (or alibi bias) at offset k
    by_offset_label: str = ""
    similarity_label: str = ""
    slopes: list[float] = field(default_factory=list)  # alibi only
    head: int = 0  # alibi only (1-based)


def check(kind: str, length: int, dim: int | None, heads: int, head: int) -> tuple[str, int, int, int, int]:
    if kind not in KINDS:
        raise InputError(f"Unknown kind {str(kind)[:30]!r}; use one of: {', '.join(KINDS)}.")
    try:
        length = int(length)
        dim = DEFAULT_DIM.get(kind, 0) if dim is None or (kind == "alibi") else int(dim)
        heads, head = int(heads), int(head)
    except (TypeError, ValueError):
        raise InputError("length, dim, heads and head must be whole numbers.") from None
    if not 1 <= length <= MAX_LENGTH:
        if kind == "learned" and length > MAX_LENGTH:
            learned(length)  # raises the "no row 512" message
        raise InputError(f"length must be between 1 and {MAX_LENGTH} positions (you asked for {length}).")
    if kind == "learned" and dim != LEARNED_DIM:
        raise InputError(f"The learned table's width is fixed at {LEARNED_DIM} (MiniLM's hidden size); "
                         f"leave dim empty or use {LEARNED_DIM}.")
    if kind in ("sinusoidal", "rope"):
        if not 2 <= dim <= MAX_DIM or dim % 2:
            raise InputError(f"dim must be an even number from 2 to {MAX_DIM}: the formula pairs dimensions "
                             f"(2i, 2i+1) (you asked for {dim}).")
        if length * dim > MAX_CELLS:
            raise InputError(f"{length} x {dim} is too many numbers for one answer; keep length x dim at most "
                             f"{MAX_CELLS:,} (e.g. 512 x 384).")
    if kind == "alibi" and not (1 <= heads <= MAX_HEADS and 1 <= head <= heads):
        raise InputError(f"ALiBi needs 1 to {MAX_HEADS} heads and a head number from 1 to heads "
                         f"(you asked for head {head} of {heads}).")
    return kind, length, dim, heads, head


def compute(kind: str, length: int, dim: int | None = None, heads: int = 8, head: int = 1) -> Positions:
    kind, length, dim, heads, head = check(kind, length, dim, heads, head)
    if kind == "alibi":
        slopes = alibi_slopes(heads)
        bias = alibi_bias(length, slopes[head - 1])  # [length, length]
        weights = softmax_rows(bias)  # [length, length]: attention when every content score is equal
        offset_bias = -slopes[head - 1] * np.arange(length)  # [length]
        return Positions(kind, length, 0, bias, weights, offset_bias,
                         f"bias added at distance k (head {head}, slope {slopes[head - 1]:.4g})",
                         "attention weights if every content score were equal (softmax of the bias)",
                         slopes, head)
    table = {"sinusoidal": lambda: sinusoidal(length, dim), "learned": lambda: learned(length),
             "rope": lambda: rope_table(length, dim)}[kind]()  # [length, dim]
    similarity = table @ table.T  # [length, length]
    label = "P @ P.T (dot products of the rotated vectors)" if kind == "rope" else "P @ P.T (dot products of rows)"
    return Positions(kind, length, dim, table, similarity, mean_by_offset(cosine_rows(table)),
                     "mean cosine between rows p and p + k", label)


def past_training_length(dim: int = 64, length: int = 1024) -> dict[str, np.ndarray]:
    """Cosine between position 0's row and position p's row, for p = 0..length-1: the learned table stops
    at 511 (it has no more rows), the formula goes on."""
    from encoders import get_encoder

    learned_rows = learned(get_encoder("minilm").max_positions)  # [512, 384]
    sin_rows = sinusoidal(length, dim)  # [length, dim]
    return {"learned": cosine_rows(learned_rows)[0], "sinusoidal": cosine_rows(sin_rows)[0]}


def diagonal_spread(matrix: np.ndarray) -> float:
    """Largest (max - min) along any diagonal: 0 when the matrix depends only on the offset j - i."""
    n = matrix.shape[0]
    return max(float(np.ptp(np.diagonal(matrix, k))) for k in range(-(n - 1), n))


def wavelengths(dim: int) -> np.ndarray:
    """Positions per full cycle of each sin/cos pair: 2*pi*10000^(2i/d). [dim/2]"""
    return 2 * np.pi * BASE ** (2 * np.arange(dim // 2) / dim)


@lru_cache(maxsize=1)
def learned_limits() -> tuple[float, float]:
    """99th percentiles of |value| over MiniLM's whole table and over its whole P @ P.T: fixed colour scales."""
    table = learned(MAX_LENGTH)  # [512, 384]
    return float(np.percentile(np.abs(table), 99)), float(np.percentile(np.abs(table @ table.T), 99))


def facts(r: Positions) -> dict[str, float]:
    """Numbers the page states about the table on screen."""
    out: dict[str, float] = {}
    if r.kind == "alibi":
        return {"slope": r.slopes[r.head - 1], "ten_back": -10 * r.slopes[r.head - 1]}
    norms = np.linalg.norm(r.matrix, axis=1)  # [length]
    out.update(first_norm=float(norms[0]), median_norm=float(np.median(norms)),
               diagonal_spread=diagonal_spread(r.similarity), peak=float(np.abs(np.diag(r.similarity)).max()))
    if r.kind == "sinusoidal":
        waves = wavelengths(r.dim)
        out.update(fastest=float(waves[0]), slowest=float(waves[-1]), row_length=math.sqrt(r.dim / 2))
    return out


def display_matrix(r: Positions) -> np.ndarray:
    """The matrix with ALiBi's masked (-inf) cells as NaN, which a heatmap leaves blank."""
    return np.where(np.isfinite(r.matrix), r.matrix, np.nan)


@dataclass
class Overview:
    """All four schemes at one length, for the side-by-side plots."""

    length: int
    dim: int
    curves: dict[str, np.ndarray]  # kind -> mean cosine at offset k, k = 0..length-1 (sinusoidal, learned, rope)
    slopes: list[float]  # ALiBi, 8 heads
    alibi_by_offset: np.ndarray  # [heads, length] bias at distance k
    check: OffsetCheck
    past: dict[str, np.ndarray]  # kind -> cosine of row p with row 0 (learned: 512 rows; sinusoidal: 1024)
    sin_rope_gap: float = 0.0  # max |sinusoidal curve - RoPE curve|: they use the same frequencies


def overview(length: int, dim: int, heads: int = 8) -> Overview:
    check("sinusoidal", length, dim, heads, 1)
    curves = {kind: compute(kind, length, None if kind == "learned" else dim).by_offset
              for kind in ("sinusoidal", "learned", "rope")}
    slopes = alibi_slopes(heads)
    by_offset = -np.asarray(slopes)[:, None] * np.arange(length)[None, :]  # [heads, length]
    gap = float(np.abs(curves["sinusoidal"] - curves["rope"]).max())
    return Overview(length, dim, curves, slopes, by_offset + 0.0, offset_check(dim), past_training_length(dim), gap)


def _json_matrix(m: np.ndarray, digits: int = 5) -> list[list[float | None]]:
    rows = (np.round(m, digits) + 0.0).tolist()  # [length, dim] nested lists of floats (+0.0: no -0.0)
    if np.isfinite(m).all():
        return rows
    return [[x if math.isfinite(x) else None for x in row] for row in rows]  # alibi's masked future: null


# -- the public endpoint ----------------------------------------------------------------------------
def positions(kind: str = "sinusoidal", length: int = 64, dim: int | None = None, heads: int = 8,
              head: int = 1) -> dict:
    """A position scheme on ``length`` positions: kind is sinusoidal | learned | rope | alibi.

    Returns {"kind", "length", "dim", "matrix", "similarity", "by_offset", ...}. ``matrix`` is the table
    (length x dim: Vaswani's sinusoids; MiniLM's learned rows, dim fixed at 384, length at most 512; RoPE's
    rotation of (1, 0, 1, 0, ...)/sqrt(d/2)) or, for alibi, head ``head`` of ``heads``'s bias matrix
    (length x length, null where a causal model masks the future; dim is not used). ``similarity`` is
    P @ P.T (alibi: the attention weights the bias alone gives). Limits: length <= 512, dim even <= 512,
    length x dim <= 196,608; numbers rounded to 5 decimals.
    """
    r = compute(kind, length, dim, heads, head)
    out = {"kind": r.kind, "length": r.length, "dim": r.dim, "matrix": _json_matrix(r.matrix),
           "similarity": _json_matrix(r.similarity), "by_offset": [round(float(x), 6) + 0.0 for x in r.by_offset],
           "by_offset_label": r.by_offset_label, "similarity_label": r.similarity_label}
    if r.kind == "alibi":
        out.update(heads=len(r.slopes), head=r.head, slopes=r.slopes)
    return out
