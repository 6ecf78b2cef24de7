"""One entry point: decode a file of a known modality into an encoder input."""
from __future__ import annotations

from typing import Callable


def decode_file(modality: str, path: str, warn: Callable[[str], None] | None = None):
    """'image' -> RGB PIL image, 'audio' -> AudioClip, 'text' -> list of lines."""
    if modality == "image":
        from media.images import load_image

        return load_image(path)
    if modality == "audio":
        from media.audio import load_audio

        return load_audio(path, warn=warn)
    from media.text import read_text_file

    return read_text_file(path)
