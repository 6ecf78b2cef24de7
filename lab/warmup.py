"""What the start-up warm-up is doing (models, gallery vectors, the UMAP compile, gallery figures).

``app.warm_up`` reports here; the Models and Gallery pages read it, so they can say "loading" while
it runs and refresh themselves until it is done. Plain data behind a lock, no Gradio.
"""
from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_state = {"running": False, "started": None, "finished": None, "current": None, "done": [], "failed": {}}


def begin() -> None:
    with _lock:
        _state.update(running=True, started=time.time(), finished=None, current=None, done=[], failed={})


def step(name: str) -> None:
    with _lock:
        _state["current"] = name


def done(name: str) -> None:
    with _lock:
        _state["done"].append(name)
        if _state["current"] == name:
            _state["current"] = None


def failed(name: str, reason: str) -> None:
    with _lock:
        _state["failed"][name] = reason
        if _state["current"] == name:
            _state["current"] = None


def end() -> None:
    with _lock:
        _state.update(running=False, finished=time.time(), current=None)


def snapshot() -> dict:
    """A copy: {running, started, finished, current, done, failed}."""
    with _lock:
        return {**_state, "done": list(_state["done"]), "failed": dict(_state["failed"])}


def running() -> bool:
    with _lock:
        return bool(_state["running"])


def compile_umap(n: int = 120, dim: int = 384) -> None:
    """Run UMAP once in 2-D and 3-D on random unit vectors, so numba compiles its functions now.

    Without this, the first UMAP map after start-up waits 30-40 s for the compile.
    """
    import numpy as np

    from space.projection import project

    rng = np.random.default_rng(0)
    points = rng.standard_normal((n, dim)).astype(np.float32)  # [n, dim]
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    for dims in (2, 3):
        project(points, "umap", dims)
