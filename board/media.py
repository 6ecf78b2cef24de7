"""Small in-memory previews of a board's pictures and sounds (never written to disk). No Gradio.

Pictures are re-encoded as small JPEGs, which also drops their EXIF data (camera, place, time);
sounds keep their first ``PREVIEW_SECONDS`` as a 16 kHz Ogg Vorbis clip (a few KB a second).
The views turn these bytes into ``data:`` URLs.
"""
from __future__ import annotations

import base64
import io

import numpy as np

THUMB_SIDE = 96  # on the map
PREVIEW_SIDE = 320  # in the item panel
PREVIEW_SECONDS = 10.0
PREVIEW_RATE = 16_000


def jpeg(image, side: int, quality: int = 80) -> bytes:
    """An RGB PIL image shrunk to fit ``side`` x ``side``, as JPEG bytes (no metadata)."""
    img = image.convert("RGB").copy()
    img.thumbnail((side, side))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def sound_preview(clip) -> bytes:
    """An AudioClip's first seconds, mono 16 kHz Ogg Vorbis."""
    import librosa
    import soundfile as sf

    samples = np.asarray(clip.samples, dtype=np.float32)[: int(PREVIEW_SECONDS * clip.sample_rate)]  # [t]
    if clip.sample_rate != PREVIEW_RATE and len(samples):
        samples = librosa.resample(samples, orig_sr=clip.sample_rate, target_sr=PREVIEW_RATE)
    if not len(samples):
        return b""
    out = io.BytesIO()
    sf.write(out, np.clip(samples, -1.0, 1.0), PREVIEW_RATE, format="OGG", subtype="VORBIS")
    return out.getvalue()


def data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}" if data else ""
