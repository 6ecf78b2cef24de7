"""A decoding budget per request, on top of the per-file limits.

Sixteen files that are each within the per-file limits can still cost a lot together
(sixteen 40 MP PNGs: about 16 s of CPU). ``tabs.common.user_errors`` opens a fresh
``request_budget()`` for every request; the decoders charge it *before* decoding a file,
from its header: decoded pixels for images (after JPEG draft scaling), decoded samples
(frames x channels) for sounds. Outside a request (gallery building, tests, scripts) there
is no per-request budget, only the per-file limits.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Callable, Iterator

from media.errors import InputError
from media.limits import LIMITS


class RequestBudget:
    """What is left of one request's decoding budget; ``between_files`` is called before each file is
    charged (the app passes the heavy-work limiter's ``yield_turn``, so other users get a turn between
    two heavy files of one request)."""

    def __init__(self, pixels: int = LIMITS.max_request_pixels, samples: int = LIMITS.max_request_samples,
                 between_files: Callable[[], None] | None = None) -> None:
        self.pixels_left = pixels
        self.samples_left = samples
        self.between_files = between_files


_current: ContextVar[RequestBudget | None] = ContextVar("embedding_lab_decode_budget", default=None)


@contextlib.contextmanager
def request_budget(budget: RequestBudget | None = None) -> Iterator[RequestBudget]:
    budget = budget or RequestBudget()
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def _charge(name: str, amount: int, field: str, limit: float, what: str) -> None:
    budget = _current.get()
    if budget is None:
        return
    if budget.between_files is not None:
        budget.between_files()
    left = getattr(budget, field)
    if amount > left:
        raise InputError(f"'{name}' would take this request over its decoding budget of {limit / 1e6:.0f} {what}. "
                         "Please send fewer or smaller files.")
    setattr(budget, field, left - amount)


def charge_pixels(name: str, pixels: int) -> None:
    """Before decoding an image: its decoded pixels (after JPEG draft scaling)."""
    _charge(name, pixels, "pixels_left", LIMITS.max_request_pixels, "megapixels for all images together")


def charge_samples(name: str, samples: int) -> None:
    """Before decoding a sound: the samples we will decode (frames x channels)."""
    _charge(name, samples, "samples_left", LIMITS.max_request_samples, "million audio samples for all sounds together")


@contextlib.contextmanager
def unbudgeted() -> Iterator[None]:
    """Decode outside any request's budget (the bundled gallery, built once for everyone); no turns
    are yielded either, so it is safe while holding a lock."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)
