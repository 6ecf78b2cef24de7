"""A decoded sound as the audio encoders take it: one channel of float32 samples at the model's rate."""
from __future__ import annotations

import numpy as np

from encoders.base import AudioClip


def mono(clip: AudioClip, target_sr: int) -> np.ndarray:
    """An AudioClip -> float32 mono samples at ``target_sr`` (librosa.resample, soxr_hq); NaN -> 0, inf -> +-1."""
    y = np.asarray(clip.samples, dtype=np.float32)
    if y.ndim == 2:  # defensive: [channels, n] or [n, channels] -> mono
        y = y.mean(axis=0 if y.shape[0] < y.shape[1] else 1)
    y = np.nan_to_num(y.reshape(-1), nan=0.0, posinf=1.0, neginf=-1.0)
    sr = int(clip.sample_rate)
    if sr != target_sr and y.size:
        import librosa

        y = librosa.resample(y, orig_sr=sr, target_sr=target_sr)
    return np.ascontiguousarray(y, dtype=np.float32)
