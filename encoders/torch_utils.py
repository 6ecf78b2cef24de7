"""Small torch helpers shared by the encoders."""
from __future__ import annotations

import os

import torch


def configure_threads() -> None:
    """Use the cores we have (Spaces CPU basic has 2) without oversubscribing."""
    n = int(os.environ.get("EMBEDDING_LAB_THREADS", "0")) or max(1, min(4, os.cpu_count() or 1))
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def unwrap_features(out) -> torch.Tensor:
    """Transformers 5 ``get_*_features`` return an output object, not a tensor."""
    if isinstance(out, torch.Tensor):
        return out
    for name in ("pooler_output", "text_embeds", "image_embeds", "audio_embeds", "last_hidden_state"):
        value = getattr(out, name, None)
        if isinstance(value, torch.Tensor):
            return value
    if isinstance(out, (tuple, list)) and out and isinstance(out[0], torch.Tensor):
        return out[0]
    raise TypeError(f"cannot find a feature tensor in {type(out).__name__}")


def batched(items, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
