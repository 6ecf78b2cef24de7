"""Run small torch work on one thread: tiny tensors lose to thread hand-offs on a busy 2-core machine.

Measured here (graphs lesson, karate club): one ``scatter_add_`` of 190 x 34 values took 10-35 ms
with torch's 2 OpenMP threads on the loaded machine and 0.02 ms with one. ``torch.set_num_threads``
also sets the default for threads started later, so overlapping users are counted and the last one
out restores the count the first one found.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

_LOCK = threading.Lock()
_state = {"users": 0, "before": 0}


@contextmanager
def one_thread():
    import torch

    with _LOCK:
        if _state["users"] == 0:
            _state["before"] = torch.get_num_threads()
        _state["users"] += 1
        torch.set_num_threads(1)
    try:
        yield
    finally:
        with _LOCK:
            _state["users"] -= 1
            if _state["users"] == 0:
                torch.set_num_threads(_state["before"])
