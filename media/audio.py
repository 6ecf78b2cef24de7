"""Decode an uploaded sound into a mono float32 AudioClip, within a fixed budget.

The budget is checked from the header before anything is decoded: decoded samples =
frames x channels (a 117 KB Ogg can claim 64 channels x 384 kHz x 30 s = 737 M samples).
Decoding then runs in blocks of ``LIMITS.audio_block_frames`` frames, each mixed to mono
at once, so memory holds one block of all channels plus the mono result; sounds above
48 kHz are resampled to 48 kHz right away (no encoder wants more).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import soundfile as sf

from encoders.base import AudioClip
from media.budget import charge_samples
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


def frames_to_decode(name: str, sample_rate: int, channels: int, frames: int, warn: Warn | None = None) -> int:
    """How many frames we decode: at most 30 s, and at most the sample budget (frames x channels).

    A file whose first second alone exceeds the budget is refused; one whose first 30 s
    exceed it is cut shorter, with a warning.
    """
    wanted = int(LIMITS.max_audio_seconds * sample_rate)
    if frames > 0:
        wanted = min(wanted, frames)
    affordable = LIMITS.max_decoded_samples // channels
    if wanted <= affordable:
        charge_samples(name, wanted * channels)  # this request's budget, all sounds together
        return wanted
    if affordable < sample_rate:
        raise InputError(
            f"'{name}' has {channels} channels at {sample_rate:,} Hz: {wanted / sample_rate:.0f} s of it would "
            f"decode to {wanted * channels / 1e6:,.0f} million samples, and even one second is more than our "
            f"limit of {LIMITS.max_decoded_samples / 1e6:.0f} million. Please mix it down to fewer channels "
            "or a lower sample rate."
        )
    charge_samples(name, affordable * channels)
    if warn:
        warn(f"'{name}' has {channels} channels at {sample_rate:,} Hz; only its first "
             f"{affordable / sample_rate:.1f} s were used (a limit of {LIMITS.max_decoded_samples / 1e6:.0f} "
             "million decoded samples per file).")
    return affordable


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


def _decode_soundfile(path: str, name: str, warn: Warn | None) -> tuple[np.ndarray, int, bool]:
    """(mono float32 samples, sample rate, cut) decoded block by block."""
    _check_wav_header(path, name)
    with sf.SoundFile(path) as fh:
        sr, channels, frames = int(fh.samplerate), int(fh.channels), int(fh.frames)
        _check_header(name, sr, channels, frames / sr if sr else 0.0)
        n = frames_to_decode(name, sr, channels, frames, warn)
        mono = np.empty(n, dtype=np.float32)  # [frames]
        block = np.empty((min(n, LIMITS.audio_block_frames), channels), dtype=np.float32)  # [block, channels]
        pos = 0
        while pos < n:
            got = fh.read(frames=min(len(block), n - pos), dtype="float32", always_2d=True, out=block[: n - pos])
            if len(got) == 0:
                break
            mono[pos:pos + len(got)] = got.mean(axis=1) if channels > 1 else got[:, 0]
            pos += len(got)
        cut = frames > n and n == int(LIMITS.max_audio_seconds * sr)
    return mono[:pos], sr, cut


def _decode_librosa(path: str, name: str, warn: Warn | None) -> tuple[np.ndarray, int, bool]:
    """Fallback for formats libsndfile cannot read (e.g. m4a via audioread/ffmpeg); header checked first."""
    import warnings

    import audioread
    import librosa

    with audioread.audio_open(path) as fh:
        sr, channels, seconds = int(fh.samplerate), int(fh.channels), float(fh.duration or 0.0)
    _check_header(name, sr, channels, seconds)
    n = frames_to_decode(name, sr, channels, int(seconds * sr), warn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, sr = librosa.load(path, sr=None, mono=True, duration=n / sr)
    return np.asarray(y, dtype=np.float32), int(sr), seconds > LIMITS.max_audio_seconds


def load_audio(path: str, warn: Warn | None = None) -> AudioClip:
    """Validate and decode an audio file; longer clips are cut with a warning."""
    name = display_name(path)
    check_file(path)
    try:
        mono, sr, cut = _decode_soundfile(path, name, warn)
    except InputError:
        raise
    except MemoryError:
        raise
    except Exception:
        try:
            mono, sr, cut = _decode_librosa(path, name, warn)
        except InputError:
            raise
        except Exception:
            raise InputError(
                f"'{name}' is not a sound we can read. Please use WAV, FLAC, OGG or MP3."
            )
    if cut and warn:
        warn(f"'{name}' is longer than {LIMITS.max_audio_seconds:.0f} s; only the first "
             f"{LIMITS.max_audio_seconds:.0f} s were used.")
    return _finish(mono, sr, name)


def clip_from_array(data: np.ndarray, sample_rate: int, name: str = "recording", warn: Warn | None = None) -> AudioClip:
    """Validate raw samples ([frames] or [frames, channels]; any numeric dtype)."""
    data = np.asarray(data)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise InputError(f"'{name}' has an unexpected shape {data.shape}.")
    _check_header(name, int(sample_rate), data.shape[1], 0.0)
    n = frames_to_decode(name, int(sample_rate), data.shape[1], data.shape[0], warn)
    if data.shape[0] > n and n == int(LIMITS.max_audio_seconds * sample_rate) and warn:
        warn(f"'{name}' is longer than {LIMITS.max_audio_seconds:.0f} s; only the first "
             f"{LIMITS.max_audio_seconds:.0f} s were used.")
    data = data[:n]
    scale = float(np.iinfo(data.dtype).max) if np.issubdtype(data.dtype, np.integer) else 1.0
    mono = data.astype(np.float32).mean(axis=1) / np.float32(scale)  # [frames]
    return _finish(mono.astype(np.float32, copy=False), int(sample_rate), name)


def _finish(mono: np.ndarray, sample_rate: int, name: str) -> AudioClip:
    """Checks on the mono samples, peak scaling, and rates above 48 kHz resampled to 48 kHz."""
    if mono.shape[0] == 0:
        raise InputError(f"'{name}' contains no audio samples.")
    if not np.all(np.isfinite(mono)):
        raise InputError(f"'{name}' contains invalid samples (NaN or infinity).")
    if mono.shape[0] < int(0.05 * sample_rate):
        raise InputError(f"'{name}' is shorter than 0.05 seconds; please use a longer sound.")
    peak = float(np.max(np.abs(mono)))
    if peak > 1.0:  # float files may exceed full scale
        mono = mono / np.float32(peak)
    if sample_rate > LIMITS.max_kept_sample_rate:
        import soxr

        mono = soxr.resample(mono, sample_rate, LIMITS.max_kept_sample_rate, quality="HQ")
        sample_rate = LIMITS.max_kept_sample_rate
    return AudioClip(samples=np.ascontiguousarray(mono, dtype=np.float32), sample_rate=int(sample_rate))
