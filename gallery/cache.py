"""A small on-disk cache of embedding matrices in safetensors (no pickle).

A file is keyed by encoder and a hash of the gallery's contents, so editing
an asset or changing the encoder's version makes a new key. On read we check
the shape, the ids, finiteness and unit norms; anything off is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)
CACHE_VERSION = "1"


def default_cache_dir() -> str:
    root = os.environ.get("EMBEDDING_LAB_CACHE")
    if not root:
        root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".cache")
    return os.path.join(root, "gallery")


def content_hash(parts: Sequence[bytes]) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _valid(vectors: np.ndarray, ids: list[str], meta: dict, expect_ids: list[str], dim: int) -> bool:
    return (
        vectors.dtype == np.float32
        and vectors.shape == (len(expect_ids), dim)
        and ids == expect_ids
        and bool(np.all(np.isfinite(vectors)))
        and bool(np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3))
    )


def load_or_build(
    name: str, digest: str, ids: list[str], dim: int,
    build: Callable[[], np.ndarray], cache_dir: str | None = None,
) -> tuple[np.ndarray, str]:
    """Return (vectors, how) where how is 'cache' or 'built'."""
    from safetensors import safe_open
    from safetensors.numpy import save_file

    cache_dir = cache_dir or default_cache_dir()
    path = os.path.join(cache_dir, f"{name}-{digest[:20]}.safetensors")
    if os.path.exists(path):
        try:
            with safe_open(path, framework="np") as fh:
                meta = fh.metadata() or {}
                vectors = fh.get_tensor("vectors")
            if meta.get("digest") == digest and _valid(vectors, json.loads(meta.get("ids", "[]")), meta, ids, dim):
                return vectors, "cache"
            log.warning("stale gallery cache %s; rebuilding", path)
        except Exception as exc:  # corrupt or truncated file
            log.warning("unreadable gallery cache %s (%s); rebuilding", path, exc)
    vectors = np.ascontiguousarray(build(), dtype=np.float32)
    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        save_file({"vectors": vectors}, tmp, metadata={"digest": digest, "ids": json.dumps(ids), "name": name})
        os.replace(tmp, path)  # atomic: readers never see half a file
    except OSError as exc:  # read-only disk: still serve from memory
        log.warning("could not write gallery cache %s (%s)", path, exc)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return vectors, "built"
