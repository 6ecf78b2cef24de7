"""A small on-disk cache of embedding matrices in safetensors (no pickle).

A file is keyed by encoder and a hash of the gallery's contents *and of the model's
identity* (weights file hashes, preprocessing code, library versions: see
``Encoder.weights_identity``), so a different checkpoint or an upgrade makes a new key.

On read we trust nothing: only a regular file is opened (non-blocking, so a FIFO at the
path cannot hang a request), at most ``MAX_CACHE_BYTES``; a sha256 of the digest, ids and
vector bytes stored at write time must match; shape, ids, finiteness and unit norms are
checked; and, when the caller gives ``verify``, a few rows picked at random are encoded
again and must agree (a well-formed file with swapped rows and a recomputed checksum is
caught there). Anything off is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import stat
import tempfile
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)
CACHE_VERSION = "2"  # 2: checksum in the metadata, model identity in the key
MAX_CACHE_BYTES = 256 * 1024 * 1024
SPOT_CHECKS = 2  # rows re-encoded on load when a verify function is given
SPOT_ATOL = 2e-3


class UntrustedCache(ValueError):
    """The cache file is not what we wrote."""


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


def checksum(digest: str, ids: list[str], vectors: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(digest.encode())
    h.update(json.dumps(ids).encode())
    h.update(str(vectors.shape).encode())
    h.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return h.hexdigest()


def read_regular_file(path: str, max_bytes: int = MAX_CACHE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a FIFO, device or symlink) of sane size."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UntrustedCache("not a regular file")
        if st.st_size > max_bytes:
            raise UntrustedCache(f"{st.st_size:,} bytes is more than a gallery cache can be")
        chunks, left = [], st.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _parse(data: bytes) -> tuple[np.ndarray, dict]:
    """(vectors, metadata) from safetensors bytes."""
    from safetensors.numpy import load

    if len(data) < 8:
        raise UntrustedCache("truncated")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise UntrustedCache("truncated header")
    header = json.loads(data[8:8 + n])
    meta = header.get("__metadata__") or {}
    return load(data)["vectors"], meta


def _valid(vectors: np.ndarray, ids: list[str], expect_ids: list[str], dim: int) -> bool:
    return (
        vectors.dtype == np.float32
        and vectors.shape == (len(expect_ids), dim)
        and ids == expect_ids
        and bool(np.all(np.isfinite(vectors)))
        and bool(np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3))
    )


def _load(path: str, digest: str, ids: list[str], dim: int,
          verify: Callable[[list[int]], np.ndarray] | None) -> np.ndarray:
    vectors, meta = _parse(read_regular_file(path))
    if meta.get("digest") != digest:
        raise UntrustedCache("written for other contents")
    stored_ids = json.loads(meta.get("ids", "[]"))
    if not _valid(vectors, stored_ids, ids, dim):
        raise UntrustedCache("wrong shape, ids or norms")
    if meta.get("sha256") != checksum(digest, stored_ids, vectors):
        raise UntrustedCache("checksum does not match")
    if verify is not None and len(ids):
        rows = sorted(random.sample(range(len(ids)), min(SPOT_CHECKS, len(ids))))
        fresh = np.asarray(verify(rows), dtype=np.float32)  # [len(rows), dim]
        if fresh.shape != (len(rows), dim) or not np.allclose(fresh, vectors[rows], atol=SPOT_ATOL):
            raise UntrustedCache(f"rows {rows} do not match a fresh encoding")
    return vectors


def load_or_build(
    name: str, digest: str, ids: list[str], dim: int,
    build: Callable[[], np.ndarray], cache_dir: str | None = None,
    verify: Callable[[list[int]], np.ndarray] | None = None,
) -> tuple[np.ndarray, str]:
    """Return (vectors, how) where how is 'cache' or 'built'.

    ``verify(rows)`` (optional) encodes the given gallery rows afresh, for the spot check.
    """
    from safetensors.numpy import save_file

    cache_dir = cache_dir or default_cache_dir()
    path = os.path.join(cache_dir, f"{name}-{digest[:20]}.safetensors")
    if os.path.lexists(path):
        try:
            return _load(path, digest, ids, dim, verify), "cache"
        except UntrustedCache as exc:
            log.warning("gallery cache %s not used (%s); rebuilding", path, exc)
        except Exception as exc:  # corrupt, truncated, unreadable
            log.warning("unreadable gallery cache %s (%s: %s); rebuilding", path, type(exc).__name__, exc)
    vectors = np.ascontiguousarray(build(), dtype=np.float32)
    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        save_file({"vectors": vectors}, tmp, metadata={"digest": digest, "ids": json.dumps(ids), "name": name,
                                                       "sha256": checksum(digest, ids, vectors)})
        os.replace(tmp, path)  # atomic: readers never see half a file; replaces a FIFO or link too
    except OSError as exc:  # read-only disk: still serve from memory
        log.warning("could not write gallery cache %s (%s)", path, exc)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return vectors, "built"
