"""Encoders: turn text, images and audio into unit vectors.

    from encoders import get_encoder, list_encoders
    vecs = get_encoder("minilm").encode("text", ["a cat", "a dog"])  # (2, 384)

Each encoder is created on first use and loads its weights lazily, once.
"""
from __future__ import annotations

import threading
from typing import Callable

from encoders.base import AudioClip, Encoder, EncoderInfo, EncoderUnavailable, l2_normalise


def _minilm() -> Encoder:
    from encoders.minilm import MiniLMEncoder
    return MiniLMEncoder()


def _glove() -> Encoder:
    from encoders.glove import GloveEncoder
    return GloveEncoder()


def _efficientnet() -> Encoder:
    from encoders.efficientnet import EfficientNetEncoder
    return EfficientNetEncoder()


def _yamnet() -> Encoder:
    from encoders.yamnet import YamnetEncoder
    return YamnetEncoder()


def _bridge() -> Encoder:
    from encoders.bridge import LabelBridgeEncoder
    return LabelBridgeEncoder()


def _clip() -> Encoder:
    from encoders.clip import ClipEncoder
    return ClipEncoder()


def _clap() -> Encoder:
    from encoders.clap import ClapEncoder
    return ClapEncoder()


# key -> factory; order is the order shown in the UI.
REGISTRY: dict[str, Callable[[], Encoder]] = {
    "minilm": _minilm,
    "glove": _glove,
    "efficientnet": _efficientnet,
    "yamnet": _yamnet,
    "bridge": _bridge,
    "clip": _clip,
    "clap": _clap,
}

# The encoder a modality uses when the user does not pick one.
DEFAULTS = {"text": "minilm", "image": "efficientnet", "audio": "yamnet"}

_instances: dict[str, Encoder] = {}
_lock = threading.Lock()


def get_encoder(key: str) -> Encoder:
    if key not in REGISTRY:
        raise KeyError(f"unknown encoder '{key}'; known: {', '.join(REGISTRY)}")
    with _lock:
        if key not in _instances:
            _instances[key] = REGISTRY[key]()
        return _instances[key]


def list_encoders() -> list[dict]:
    """Metadata and status (loaded / available / unavailable + reason) of every encoder."""
    return [get_encoder(key).status() for key in REGISTRY]


def encoders_for(modality: str) -> list[str]:
    return [key for key in REGISTRY if modality in get_encoder(key).info.modalities]


def default_encoder(modality: str) -> str:
    return DEFAULTS[modality]


__all__ = [
    "AudioClip", "Encoder", "EncoderInfo", "EncoderUnavailable", "REGISTRY", "DEFAULTS",
    "get_encoder", "list_encoders", "encoders_for", "default_encoder", "l2_normalise",
]
