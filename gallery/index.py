"""Gallery vectors per (encoder, modality), computed once and cached on disk."""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from encoders import get_encoder
from gallery import cache
from gallery.manifest import ASSETS_DIR, GalleryItem, items_of
from media.limits import DECODE_VERSION

_memory: dict[tuple[str, str, str, str], np.ndarray] = {}
_locks: dict[tuple, threading.Lock] = {}
_identities: dict[int, tuple[object, str]] = {}  # id(encoder) -> (encoder, identity)
_identity_guard = threading.Lock()
_locks_guard = threading.Lock()


def _lock_for(key: tuple) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def decode_items(items: Sequence[GalleryItem]) -> list:
    """Gallery items as encoder inputs (str, RGB image or AudioClip)."""
    from media.budget import unbudgeted
    from media.decode import decode_file

    with unbudgeted():  # built once for everyone, often under a lock: not part of a user's request budget
        return [item.text if item.modality == "text" else decode_file(item.modality, item.path) for item in items]


def model_identity(encoder_key: str) -> str:
    """The encoder's weights identity (file hashes, code, library versions), computed once per instance."""
    enc = get_encoder(encoder_key)
    with _identity_guard:
        found = _identities.get(id(enc))
        if found is not None and found[0] is enc:
            return found[1]
    identity = enc.weights_identity()
    with _identity_guard:
        _identities[id(enc)] = (enc, identity)
    return identity


def _digest(encoder_key: str, items: Sequence[GalleryItem]) -> str:
    enc = get_encoder(encoder_key)
    parts = [f"{encoder_key}|{enc.info.dim}|{enc.info.source}".encode(),
             model_identity(encoder_key).encode(), f"decode={DECODE_VERSION}".encode()]
    for item in items:
        parts.append(item.id.encode())
        if item.modality == "text":
            parts.append(item.text.encode("utf-8"))
        else:
            with open(item.path, "rb") as fh:
                parts.append(fh.read())
    return cache.content_hash(parts)


def get_gallery(modality: str, assets_dir: str = ASSETS_DIR) -> list[GalleryItem]:
    return items_of(modality, assets_dir)


def gallery_vectors(encoder_key: str, modality: str, assets_dir: str = ASSETS_DIR,
                    cache_dir: str | None = None) -> tuple[list[GalleryItem], np.ndarray]:
    """(items, vectors [n, dim]) of the gallery's ``modality`` items under an encoder."""
    items = items_of(modality, assets_dir)
    mem_key = (encoder_key, modality, assets_dir, model_identity(encoder_key))
    if mem_key in _memory:
        return items, _memory[mem_key]
    with _lock_for(mem_key):  # one build per (encoder, modality); others wait, then read memory
        if mem_key not in _memory:
            enc = get_encoder(encoder_key)
            digest = _digest(encoder_key, items)
            vectors, _ = cache.load_or_build(
                f"{encoder_key}-{modality}", digest, [i.id for i in items], enc.info.dim,
                lambda: enc.encode(modality, decode_items(items)), cache_dir,
                verify=lambda rows: enc.encode(modality, decode_items([items[r] for r in rows])),
            )
            _memory[mem_key] = vectors
        return items, _memory[mem_key]
