"""Collapse monitor: is a set of vectors using its dimensions, or have they collapsed onto a few directions?

Pure computation, no Gradio, plain numpy (the small training run is ``lessons/collapse/train.py``). For a matrix ``X`` [n, d] as given:

- singular values ``s_1 >= s_2 >= ...`` of ``X`` (not centred), the spectrum;
- **effective rank** (RankMe, Garrido et al. 2023): ``exp(-sum_k p_k log p_k)`` with ``p_k = s_k / sum(s)``:
  d when all directions are used equally, 1 when everything lies on one line;
- **mean pairwise cosine** over the n (n - 1) distinct pairs: near 0 for spread-out vectors, 1 when all
  point the same way (complete collapse);
- per-dimension **spread**: the standard deviation of each dimension over the rows.

"Collapse it" shows the numbers fall, two ways:
- ``project``: replace every row by its projection onto the k directions with the largest singular values
  (dimensional collapse, done by hand), on a fixed sample of up to ``PROJECT_ROWS`` rows;
- ``no-negatives``: a small contrastive training run *without negatives*: a linear layer learns to make two
  noisy copies of each row agree (cosine -> 1) and nothing stops it from sending every row to the same
  point. ``with-negatives`` is the same run with an InfoNCE loss (other rows of the batch as negatives),
  which keeps the rows apart.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np
from gradio import FileData

from lessons.collapse.train import Adam, Linear, loss_and_grads
from lessons.vector_sets import VectorSet, load_set
from media.errors import InputError
from space import stats

ACTIONS = ("none", "project", "no-negatives", "with-negatives")
PROJECT_ROWS = 25_600  # the RankMe paper's sample size
TRAIN_ROWS = 2_000
BATCH = 256
MAX_STEPS = 300
NOISE = 0.3  # each noisy copy: row + noise of 0.3x the row's length (rows are scaled to length 1 first)
TEMPERATURE = 0.1
LEARNING_RATE = 0.01
RECORD_EVERY = 10


@dataclass
class Health:
    n: int
    dim: int
    effective_rank: float
    mean_cosine: float
    singular_values: np.ndarray = field(repr=False)  # [min(n, d)] largest first
    spread: np.ndarray = field(repr=False)  # [d]

    def as_json(self, with_spread: bool = False) -> dict:
        out = {"n": self.n, "dim": self.dim, "effective_rank": self.effective_rank, "mean_cosine": self.mean_cosine,
               "singular_values": [float(v) for v in self.singular_values]}
        if with_spread:
            out["spread"] = [float(v) for v in self.spread]
        return out


def health(x: np.ndarray) -> Health:
    x = np.asarray(x, dtype=np.float32)
    s = stats.singular_values(x)
    return Health(int(x.shape[0]), int(x.shape[1]), stats.effective_rank(s), stats.mean_pairwise_cosine(x), s,
                  stats.dimension_spread(x))


@dataclass
class Collapsed:
    action: str
    rows: int  # rows of the sample it ran on
    before: Health  # the same rows before
    after: Health
    k: int = 0  # directions kept (project)
    steps: int = 0
    history: list[dict] = field(default_factory=list)  # training: step, loss, effective_rank, mean_cosine

    def as_json(self) -> dict:
        return {"action": self.action, "rows": self.rows, "k": self.k, "steps": self.steps,
                "before": {"effective_rank": self.before.effective_rank, "mean_cosine": self.before.mean_cosine},
                "after": self.after.as_json(), "history": self.history}


@dataclass
class CollapseResult:
    vset: VectorSet = field(repr=False)
    given: Health
    collapsed: Collapsed | None = None

    def as_json(self) -> dict:
        out = {"vectors": self.vset.name, "label": self.vset.label, **self.given.as_json(with_spread=True)}
        if self.collapsed is not None:
            out["collapsed"] = self.collapsed.as_json()
        return out


def sample_rows(n: int, size: int) -> np.ndarray:
    return np.arange(n) if n <= size else np.sort(np.random.default_rng(0).choice(n, size, replace=False))


_directions: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def project(x: np.ndarray, k: int, key: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(sample [m, d], its projection onto its own top-k singular directions [m, d]).

    ``key`` names a bundled set: its sample and singular directions are then computed once.
    """
    found = _directions.get(key) if key is not None else None
    if found is None:
        sample = np.asarray(x, dtype=np.float32)[sample_rows(len(x), PROJECT_ROWS)]
        found = (sample, stats.top_directions(sample, min(sample.shape)))
        if key is not None:
            if len(_directions) > 8:
                _directions.clear()
            _directions[key] = found
    sample, directions = found
    return sample, stats.project_onto(sample, directions[:k])


def train(x: np.ndarray, negatives: bool, steps: int, seed: int = 0,
          progress: Callable[[float, str], None] | None = None) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """A linear layer (d -> d, starting as the identity) trained to make two noisy copies of each row agree.

    Returns (the rows it saw [m, d] scaled to length 1, their outputs after training [m, d], history).
    Without negatives the loss is ``-cos(f(a), f(b))``; with negatives it is InfoNCE over the batch
    (cross-entropy of each copy against the other rows' copies, cosine / temperature). Adam, fixed seed.
    """
    rows = sample_rows(len(x), TRAIN_ROWS)
    data = stats.l2_normalise(np.asarray(x, dtype=np.float32)[rows]).astype(np.float64)  # [m, d]
    m, d = data.shape
    rng = np.random.default_rng(seed)
    layer = Linear.identity(d)
    params = {"weight": layer.weight, "bias": layer.bias}
    opt = Adam(LEARNING_RATE)
    batch = min(BATCH, m)
    scale = NOISE / np.sqrt(d)  # per-coordinate noise for a copy NOISE x the row's length away

    def snapshot(step: int, loss: float | None) -> dict:
        h = health(layer(data))
        return {"step": step, "loss": loss, "effective_rank": h.effective_rank, "mean_cosine": h.mean_cosine}

    history = [snapshot(0, None)]
    for step in range(1, steps + 1):
        idx = rng.permutation(m)[:batch]
        a = data[idx] + scale * rng.standard_normal((batch, d))  # [b, d] two noisy copies of the same rows
        b = data[idx] + scale * rng.standard_normal((batch, d))
        loss, g_weight, g_bias = loss_and_grads(layer, a, b, negatives, TEMPERATURE)
        opt.step(params, {"weight": g_weight, "bias": g_bias})
        if step % RECORD_EVERY == 0 or step == steps:
            history.append(snapshot(step, round(loss, 6)))
            if progress is not None:
                progress(step / steps, f"training step {step} of {steps}")
    return data.astype(np.float32), layer(data).astype(np.float32), history


_given: dict[tuple, Health] = {}
_lock = threading.Lock()


def given_health(vset: VectorSet) -> Health:
    """The set's own numbers, over all its rows (bundled sets: computed once)."""
    if vset.kind == "upload":
        return health(vset.vectors)
    key = (vset.name, vset.n, vset.labels[0])
    with _lock:
        if key not in _given:
            _given[key] = health(vset.vectors)
        return _given[key]


def check(action: str, k, steps, dim: int) -> tuple[str, int, int]:
    if action not in ACTIONS:
        raise InputError(f"Unknown action '{str(action)[:20]}'; use one of: {', '.join(ACTIONS)}.")
    try:
        k, steps = int(k), int(steps)
    except (TypeError, ValueError):
        raise InputError("k and steps must be whole numbers.")
    if action == "project" and not 1 <= k <= dim:
        raise InputError(f"k (directions kept) must be between 1 and {dim}.")
    if action in ("no-negatives", "with-negatives") and not 1 <= steps <= MAX_STEPS:
        raise InputError(f"steps must be between 1 and {MAX_STEPS}.")
    return action, k, steps


def monitor(vectors: str = "glove", file=None, action: str = "none", k: int = 2, steps: int = 100,
            progress: Callable[[float, str], None] | None = None) -> CollapseResult:
    vset = load_set(vectors, file)
    action, k, steps = check(action, k, steps, vset.dim)
    given = given_health(vset)
    if action == "none":
        return CollapseResult(vset, given)
    if action == "project":
        sample, proj = project(vset.vectors, k, None if vset.kind == "upload" else (vset.name, vset.n, vset.labels[0]))
        return CollapseResult(vset, given, Collapsed(action, len(sample), health(sample), health(proj), k=k))
    data, out, history = train(vset.vectors, action == "with-negatives", steps, progress=progress)
    return CollapseResult(vset, given, Collapsed(action, len(data), health(data), health(out), steps=steps,
                                                 history=history))


# -- the public endpoint ----------------------------------------------------------------------------
def collapse(vectors: str = "glove", file: FileData | None = None,
             action: Literal["none", "project", "no-negatives", "with-negatives"] = "none", k: int = 2,
             steps: int = 100) -> dict:
    """Singular values, effective rank (RankMe) and mean pairwise cosine of a set of vectors.

    ``vectors``: a bundled set (glove, glove-100k, glove-20k, efficientnet-raw, minilm-texts, efficientnet-images,
    yamnet-sounds, ...) or ``file``: your own .npy / .csv (one vector per row).
    Returns {"n", "dim", "effective_rank", "mean_cosine", "singular_values": [...], "spread": [...]}: RankMe =
    exp(-sum p log p), p = s / sum(s), over the singular values of the vectors as given; mean_cosine over the
    distinct pairs. ``action`` collapses a sample on purpose and adds "collapsed": {"before", "after", "history"}:
    ``project`` onto the top ``k`` directions, or train a linear layer for ``steps`` steps to make two noisy
    copies of each row agree ``no-negatives`` (it collapses) or with InfoNCE negatives ``with-negatives``.
    """
    return monitor(vectors, file, action, k, steps).as_json()
