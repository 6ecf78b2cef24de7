"""Run small torch work on one thread: tiny tensors lose to thread hand-offs on a busy 2-core machine.

Measured here (graphs lesson, karate club): one ``scatter_add_`` of 190 x 34 values took 10-35 ms
with torch's 2 OpenMP threads on the loaded machine and 0.02 ms with one. The tables lesson's
512 x 64 model (1.7 s vs 0.1 s per epoch of 24,000 rows) and the objectives lesson's contrastive steps
(150 steps: 33 s vs 2.6 s under a load average of about 14; not a benchmark) saw the same.

``torch.set_num_threads`` is used rather than threadpoolctl's OpenMP limit: it also sets MKL's count
(torch's matrix products), and threadpoolctl's limit is undone by torch's own per-thread setup when a
thread's first torch call comes inside the block. The count it sets is per calling thread, but it is
also the default that threads touching torch for the first time start with, so overlapping users are
counted: the count the first one found is what every leaving thread gets back, and so is the default.
Enter and leave in the same thread (in a generator: between two yields).
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
        before = _state["before"]
        torch.set_num_threads(1)
    try:
        yield
    finally:
        with _LOCK:
            _state["users"] -= 1
            torch.set_num_threads(before)  # this thread's count back, and the default for new threads
