"""How well the gallery's groups show "similar things land close", measured per encoder.

Two measurements on unit-length vectors (cosine = dot product):

* **leave-one-out**: each gallery item's nearest *other* gallery item; the item counts as right
  when that neighbour is in its group. The gallery was chosen with this measurement (see
  ``assets/build_assets.py``), so it flatters the encoder.
* **held out**: each item of ``assets/heldout/`` (set aside at random before the gallery was
  chosen) against the whole gallery; right when its nearest gallery item is in its group. This
  is the honest figure for "a new picture / sound / sentence of a known kind".

Plus the mean cosine within groups and between groups. Everything here is numpy on vectors;
``measure`` fetches the vectors through ``gallery.index.gallery_vectors`` (cached on disk).

Reproduce the figures::

    .venv/bin/python -m gallery.quality
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np

from gallery.manifest import ASSETS_DIR, HELDOUT_DIR

# The bundled (offline) encoders measured for each modality.
DEFAULT_ENCODERS = {"image": ("efficientnet", "bridge"), "audio": ("yamnet", "bridge"), "text": ("minilm", "glove")}
# Goals from issue 7 for leave-one-out accuracy with the bundled encoders.
GOALS = {"image": 0.90, "audio": 0.80, "text": 0.90}


@dataclass(frozen=True)
class Miss:
    """An item whose nearest neighbour is in another group."""

    id: str
    group: str
    nearest_id: str
    nearest_group: str
    cosine: float


@dataclass(frozen=True)
class GroupScore:
    group: str
    n: int
    correct: int
    accuracy: float
    within: float  # mean cosine between this group's items (nan for a single item / held out)


@dataclass(frozen=True)
class NeighbourScore:
    """Nearest-neighbour group accuracy of one set of items (leave-one-out or held out)."""

    kind: str  # "leave-one-out" | "held out"
    n: int
    correct: int
    accuracy: float
    per_group: list[GroupScore]
    misses: list[Miss]
    mean_within: float  # mean cosine of pairs in the same group (gallery pairs)
    mean_between: float  # mean cosine of pairs in different groups (gallery pairs)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class QualityReport:
    encoder: str
    modality: str
    leave_one_out: NeighbourScore
    held_out: NeighbourScore | None
    groups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        """One sentence for the app: both figures, with counts."""
        loo = self.leave_one_out
        s = (f"{self.encoder} ({self.modality}): nearest neighbour in the same group for "
             f"{loo.correct}/{loo.n} gallery items (leave-one-out {loo.accuracy:.2f})")
        if self.held_out is not None and self.held_out.n:
            h = self.held_out
            s += f"; {h.correct}/{h.n} set-aside items ({h.accuracy:.2f})"
        return s


def _check(vectors: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2 or v.shape[0] != len(groups):
        raise ValueError(f"vectors {v.shape} do not match {len(groups)} groups")
    return v


def within_between(vectors: np.ndarray, groups: Sequence[str]) -> tuple[float, float, dict[str, float]]:
    """(mean cosine of same-group pairs, mean cosine of different-group pairs, per-group within)."""
    v = _check(vectors, groups)
    g = np.asarray(groups)
    sims = v @ v.T  # [n, n]
    same = g[:, None] == g[None, :]  # [n, n]
    off_diag = ~np.eye(len(g), dtype=bool)
    within_mask, between_mask = same & off_diag, ~same
    mean_within = float(sims[within_mask].mean()) if within_mask.any() else float("nan")
    mean_between = float(sims[between_mask].mean()) if between_mask.any() else float("nan")
    per = {}
    for name in dict.fromkeys(groups):
        idx = np.flatnonzero(g == name)
        block = sims[np.ix_(idx, idx)][~np.eye(len(idx), dtype=bool)]
        per[name] = float(block.mean()) if block.size else float("nan")
    return mean_within, mean_between, per


def _score(kind: str, nearest: np.ndarray, best: np.ndarray, query_ids, query_groups, ref_ids, ref_groups,
           within: dict[str, float], mean_within: float, mean_between: float) -> NeighbourScore:
    qg = np.asarray(query_groups)
    rg = np.asarray(ref_groups)
    right = rg[nearest] == qg  # [n]
    per_group = []
    for name in dict.fromkeys(query_groups):
        idx = np.flatnonzero(qg == name)
        ok = int(right[idx].sum())
        per_group.append(GroupScore(name, len(idx), ok, ok / len(idx), within.get(name, float("nan"))))
    misses = [Miss(query_ids[i], str(qg[i]), ref_ids[nearest[i]], str(rg[nearest[i]]), float(best[i]))
              for i in np.flatnonzero(~right)]
    n = len(qg)
    return NeighbourScore(kind, n, int(right.sum()), float(right.mean()) if n else float("nan"),
                          per_group, misses, mean_within, mean_between)


def leave_one_out(vectors: np.ndarray, groups: Sequence[str], ids: Sequence[str] | None = None) -> NeighbourScore:
    """Each item's nearest other item: is it in the same group? Groups of one item are skipped."""
    v = _check(vectors, groups)
    ids = list(ids) if ids is not None else [str(i) for i in range(len(groups))]
    counts = {g: list(groups).count(g) for g in set(groups)}
    keep = np.array([counts[g] >= 2 for g in groups], dtype=bool)
    sims = v @ v.T  # [n, n]
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argmax(sims, axis=1)  # [n]
    best = sims[np.arange(len(v)), nearest]  # [n]
    mean_within, mean_between, within = within_between(v, groups)
    idx = np.flatnonzero(keep)
    return _score("leave-one-out", nearest[idx], best[idx], [ids[i] for i in idx], [groups[i] for i in idx],
                  ids, list(groups), within, mean_within, mean_between)


def held_out(gallery_vectors: np.ndarray, gallery_groups: Sequence[str], query_vectors: np.ndarray,
             query_groups: Sequence[str], gallery_ids: Sequence[str] | None = None,
             query_ids: Sequence[str] | None = None) -> NeighbourScore:
    """Each held-out item's nearest gallery item: is it in the held-out item's group?"""
    gv = _check(gallery_vectors, gallery_groups)
    qv = _check(query_vectors, query_groups)
    gallery_ids = list(gallery_ids) if gallery_ids is not None else [str(i) for i in range(len(gallery_groups))]
    query_ids = list(query_ids) if query_ids is not None else [f"q{i}" for i in range(len(query_groups))]
    mean_within, mean_between, _ = within_between(gv, gallery_groups)
    if len(qv) == 0:
        return NeighbourScore("held out", 0, 0, float("nan"), [], [], mean_within, mean_between)
    sims = qv @ gv.T  # [q, n]
    nearest = np.argmax(sims, axis=1)  # [q]
    best = sims[np.arange(len(qv)), nearest]  # [q]
    return _score("held out", nearest, best, query_ids, list(query_groups), gallery_ids, list(gallery_groups),
                  {}, mean_within, mean_between)


def measure(encoder_key: str, modality: str, assets_dir: str = ASSETS_DIR, heldout_dir: str | None = HELDOUT_DIR,
            cache_dir: str | None = None) -> QualityReport:
    """Leave-one-out and held-out accuracy of ``encoder_key`` on the gallery's ``modality`` items."""
    from gallery.index import gallery_vectors

    items, vecs = gallery_vectors(encoder_key, modality, assets_dir, cache_dir=cache_dir)
    groups = [it.group for it in items]
    ids = [it.id for it in items]
    loo = leave_one_out(vecs, groups, ids)
    held = None
    if heldout_dir is not None:
        h_items, h_vecs = gallery_vectors(encoder_key, modality, heldout_dir, cache_dir=cache_dir)
        held = held_out(vecs, groups, h_vecs, [it.group for it in h_items], ids, [it.id for it in h_items])
    return QualityReport(encoder_key, modality, loo, held, list(dict.fromkeys(groups)))


def measure_all(encoders: dict[str, Sequence[str]] | None = None, **kw) -> list[QualityReport]:
    """``measure`` for every (modality, encoder) in ``encoders`` (default: the bundled ones)."""
    encoders = encoders or DEFAULT_ENCODERS
    return [measure(key, modality, **kw) for modality, keys in encoders.items() for key in keys]


def _main() -> None:  # pragma: no cover - a report for people
    import argparse

    ap = argparse.ArgumentParser(description="Gallery neighbour quality per encoder")
    ap.add_argument("--assets", default=ASSETS_DIR)
    ap.add_argument("--heldout", default=HELDOUT_DIR)
    ap.add_argument("--misses", action="store_true", help="list the items whose neighbour is in another group")
    ap.add_argument("--groups", action="store_true", help="per-group breakdown")
    args = ap.parse_args()
    for r in measure_all(assets_dir=args.assets, heldout_dir=args.heldout or None):
        loo, h = r.leave_one_out, r.held_out
        held = f"{h.accuracy:.3f} ({h.correct}/{h.n})" if h and h.n else "-"
        print(f"{r.modality:6} {r.encoder:13} leave-one-out {loo.accuracy:.3f} ({loo.correct}/{loo.n})  "
              f"held out {held}  cosine within {loo.mean_within:.2f} between {loo.mean_between:.2f}")
        if args.groups:
            held_by = {g.group: g for g in (h.per_group if h else [])}
            for g in loo.per_group:
                hg = held_by.get(g.group)
                print(f"      {g.group:14} {g.correct}/{g.n}  within {g.within:.2f}"
                      + (f"  held out {hg.correct}/{hg.n}" if hg else ""))
        if args.misses:
            for m in loo.misses + (h.misses if h else []):
                print(f"      miss {m.id} ({m.group}) -> {m.nearest_id} ({m.nearest_group}) {m.cosine:.2f}")


if __name__ == "__main__":  # pragma: no cover
    _main()
