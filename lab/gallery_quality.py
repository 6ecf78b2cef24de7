"""The gallery's neighbour figures per bundled encoder, measured once (at warm-up) and kept in memory.

``gallery.quality.measure`` needs every gallery and set-aside vector: minutes when they are not cached
yet, so the pages never measure on a click; ``app.warm_up`` calls ``compute()`` and the Gallery page
reads ``reports()``. ``sentence()`` turns one report into the line the page shows.
"""
from __future__ import annotations

import threading

from gallery.quality import DEFAULT_ENCODERS, GOALS, QualityReport, measure

_lock = threading.Lock()
_reports: dict[tuple[str, str], QualityReport] = {}
KIND = {"image": ("picture", "pictures"), "audio": ("sound", "sounds"), "text": ("sentence", "sentences")}


def pairs() -> list[tuple[str, str]]:
    """(modality, encoder key) in page order."""
    return [(m, k) for m, keys in DEFAULT_ENCODERS.items() for k in keys]


def compute(progress=None) -> list[QualityReport]:
    """Measure every (modality, encoder) not measured yet; returns all reports."""
    for n, (modality, key) in enumerate(pairs()):
        if (modality, key) in _reports:
            continue
        if progress:
            progress(n / len(pairs()), desc=f"Measuring {key} on the gallery's {KIND[modality][1]}…")
        report = measure(key, modality)
        with _lock:
            _reports[(modality, key)] = report
    return reports()


def reports() -> list[QualityReport]:
    with _lock:
        return [_reports[p] for p in pairs() if p in _reports]


def sentence(r: QualityReport, label: str) -> str:
    """One honest line: leave-one-out (flattering: the gallery was chosen with it) and set-aside figures."""
    one, many = KIND[r.modality]
    loo, held = r.leave_one_out, r.held_out
    goal = GOALS[r.modality]
    text = (f"**{label}**, {many}: the nearest other gallery {one} is in the same group for "
            f"**{loo.correct} of {loo.n}** (leave-one-out {loo.accuracy:.2f}; goal {goal:.2f}; the gallery was "
            f"chosen with this measure, so it flatters).")
    if held is not None and held.n:
        miss = held.n - held.correct
        verdict = ("at or above the goal" if held.accuracy >= goal else
                   f"below the goal: {miss} new {many if miss != 1 else one} of a known kind land"
                   f"{'s' if miss == 1 else ''} nearest to another group")
        text += (f" On {held.n} {many} set aside before the gallery was chosen: **{held.correct} of {held.n}** "
                 f"({held.accuracy:.2f}), {verdict}.")
    return text
