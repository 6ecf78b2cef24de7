"""Decode an uploaded sound into a mono float32 AudioClip."""
from __future__ import annotations

from typing import Callable

import numpy as np
import soundfile as sf

from encoders.base import AudioClip
from media.errors import InputError
from media.files import check_file, display_name
from media.limits import LIMITS

Warn = Callable[[str], None]


def _check_header(name: str, sample_rate: int, channels: int, seconds: float) -> None:
    if not LIMITS.min_sample_rate <= sample_rate <= LIMITS.max_sample_rate:
        raise InputError(
            f"'{name}' has a sample rate of {sample_rate} Hz; we accept "
            f"{LIMITS.min_sample_rate}-{LIMITS.max_sample_rate} Hz."
        )
    if not 1 <= channels <= LIMITS.max_channels:
        raise InputError(f"'{name}' has {channels} channels; we accept 1 to {LIMITS.max_channels}.")
    if seconds > LIMITS.max_audio_header_seconds:
        raise InputError(
            f"'{name}' says it is {seconds / 60:.0f} minutes long; please upload at most "
            f"{LIMITS.max_audio_seconds:.0f} seconds."
        )


def _check_wav_header(path: str, name: str) -> None:
    """A RIFF/WAVE whose data chunk claims more bytes than the file holds is damaged.

    libsndfile quietly reads what is there; we say so instead (e.g. a header
    that claims three hours in a file of one second).
    """
    import os
    import struct

    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        pos, rate, block = 12, 0, 0
        while pos + 8 <= size:
            fh.seek(pos)
            chunk = fh.read(8)
            if len(chunk) < 8:
                return
            kind, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                fmt = fh.read(16)
                if len(fmt) == 16:
                    _, _, rate, _, block, _ = struct.unpack("<HHIIHH", fmt)
            elif kind == b"data":
                available = size - pos - 8
                if length not in (0, 0xFFFFFFFF) and length > available * 1.01 + 64:  # 0 / -1: "unknown" (streamed)
                    claimed = f" ({length / max(1, rate * block) / 60:.0f} minutes)" if rate and block else ""
                    raise InputError(
                        f"'{name}' is damaged: its header promises {length:,} bytes of sound{claimed} "
                        f"but the file holds only {available:,}."
                    )
                return
            pos += 8 + length + (length & 1)


def _decode_soundfile(path: str, name: str) -> tuple[np.ndarray, int]:
    _check_wav_header(path, name)
    info = sf.info(path)
    _check_header(name, int(info.samplerate), int(info.channels), float(info.duration))
    max_frames = int(LIMITS.max_audio_seconds * info.samplerate) + 1
    data, sr = sf.read(path, dtype="float32", always_2d=True, frames=max_frames)
    return data, int(sr)


def _decode_librosa(path: str, name: str) -> tuple[np.ndarray, int]:
    """Fallback for formats libsndfile cannot read (e.g. m4a via audioread/ffmpeg)."""
    import warnings

    import librosa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, sr = librosa.load(path, sr=None, mono=False, duration=LIMITS.max_audio_seconds + 0.01)
    y = np.asarray(y, dtype=np.float32)
    data = y[:, None] if y.ndim == 1 else y.T  # [frames, channels]
    _check_header(name, int(sr), data.shape[1], data.shape[0] / sr)
    return data, int(sr)


def load_audio(path: str, warn: Warn | None = None) -> AudioClip:
    """Validate and decode an audio file; longer clips are cut with a warning."""
    name = display_name(path)
    check_file(path)
    try:
        data, sr = _decode_soundfile(path, name)
    except InputError:
        raise
    except Exception:
        try:
            data, sr = _decode_librosa(path, name)
        except InputError:
            raise
        except Exception:
            raise InputError(
                f"'{name}' is not a sound we can read. Please use WAV, FLAC, OGG or MP3."
            )
    return clip_from_array(data, sr, name, warn)


def clip_from_array(data: np.ndarray, sample_rate: int, name: str = "recording", warn: Warn | None = None) -> AudioClip:
    """Validate raw samples ([frames] or [frames, channels]; any numeric dtype)."""
    data = np.asarray(data)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise InputError(f"'{name}' has an unexpected shape {data.shape}.")
    _check_header(name, int(sample_rate), data.shape[1], 0.0)
    if np.issubdtype(data.dtype, np.integer):
        scale = float(np.iinfo(data.dtype).max)
        data = data.astype(np.float32) / scale
    data = data.astype(np.float32, copy=False)
    if data.shape[0] == 0:
        raise InputError(f"'{name}' contains no audio samples.")
    if not np.all(np.isfinite(data)):
        raise InputError(f"'{name}' contains invalid samples (NaN or infinity).")
    max_frames = int(LIMITS.max_audio_seconds * sample_rate)
    if data.shape[0] > max_frames:
        if warn:
            warn(f"'{name}' is longer than {LIMITS.max_audio_seconds:.0f} s; only the first "
                 f"{LIMITS.max_audio_seconds:.0f} s were used.")
        data = data[:max_frames]
    mono = data.mean(axis=1)  # [frames]
    peak = float(np.max(np.abs(mono))) if mono.size else 0.0
    if peak > 1.0:  # float files may exceed full scale
        mono = mono / peak
    if mono.shape[0] < int(0.05 * sample_rate):
        raise InputError(f"'{name}' is shorter than 0.05 seconds; please use a longer sound.")
    return AudioClip(samples=np.ascontiguousarray(mono, dtype=np.float32), sample_rate=int(sample_rate))
