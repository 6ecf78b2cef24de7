"""What a sound looks like before the model sees it (librosa features)."""
from __future__ import annotations

import numpy as np

from encoders.base import AudioClip

VIEW_RATE = 16_000
HOP = 160  # 10 ms


def audio_view(clip: AudioClip, max_points: int = 2000) -> dict:
    """Waveform (decimated), log-mel spectrogram (64 bands, dB) and 13 MFCCs."""
    import librosa

    y = clip.samples
    if clip.sample_rate != VIEW_RATE:
        y = librosa.resample(y, orig_sr=clip.sample_rate, target_sr=VIEW_RATE)
    step = max(1, len(y) // max_points)
    mel = librosa.feature.melspectrogram(y=y, sr=VIEW_RATE, n_fft=512, hop_length=HOP, n_mels=64,
                                         fmin=125, fmax=7500)  # [64, frames]
    mel_db = librosa.power_to_db(mel, ref=np.max)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=13)  # [13, frames]
    frames = mel.shape[1]
    return {
        "time": np.arange(0, len(y), step) / VIEW_RATE,
        "wave": y[::step],
        "mel_db": mel_db,
        "mfcc": mfcc,
        "frame_time": np.arange(frames) * HOP / VIEW_RATE,
        "seconds": len(y) / VIEW_RATE,
    }
