"""Augmentations: the same sound or picture, changed in one controlled way. Pure numpy/librosa/Pillow.

Sounds (16 kHz mono float32 in, the same out; nothing is random except the noise, which has a fixed seed):
- noise:   white Gaussian noise scaled so that 10 log10(P_signal / P_noise) is exactly the strength (dB SNR)
- shift:   the clip rotated by the strength in seconds (``np.roll``): what falls off the end comes back at
           the start, so no sound is added or lost, only moved in time
- gain:    multiplied by 10^(dB / 20), then clipped to [-1, 1] as a recording would be
- pitch:   ``librosa.effects.pitch_shift`` by the strength in semitones (same duration)
- stretch: ``librosa.effects.time_stretch`` at the strength as a rate (2 = twice as fast, half as long;
           same pitch)

Pictures (all act on the 224 x 224 crop EfficientNet-Lite0 sees, so strengths mean the same for every picture):
- crop:    keep the centre square whose side is the strength (a fraction of 224), scaled back up to 224
- flip:    1 = mirrored left-right, 2 = upside down
- rotate:  turned by the strength in degrees (anticlockwise, bilinear), corners filled with white
- colour:  colour jitter as a hue rotation: every colour turned by the strength in degrees round the
           colour wheel (Pillow HSV), brightness and saturation kept
- blur:    Gaussian blur with the strength as its radius in pixels (Pillow ``GaussianBlur``)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from media.errors import InputError

SAMPLE_RATE = 16_000
NOISE_SEED = 0
PICTURE_SIDE = 224
FILL = (255, 255, 255)


@dataclass(frozen=True)
class Augmentation:
    name: str
    modality: str  # "audio" | "image"
    label: str  # for people
    unit: str  # of the strength
    sweep: tuple[float, ...]  # default strengths, mildest first
    low: float  # accepted strengths: low..high
    high: float
    listen: float  # the default strength to listen to / look at


AUGMENTATIONS = {a.name: a for a in (
    Augmentation("noise", "audio", "added noise", "dB SNR", (40, 30, 20, 10, 5, 0), -10, 80, 10),
    Augmentation("shift", "audio", "time shift", "s", (0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0), 0, 30, 0.1),
    Augmentation("gain", "audio", "gain", "dB", (-30, -20, -10, -3, 3, 10, 20), -60, 40, 10),
    Augmentation("pitch", "audio", "pitch shift", "semitones", (0.5, 1, 2, 4, 7, 12), -24, 24, 4),
    Augmentation("stretch", "audio", "time stretch", "x speed", (0.5, 0.7, 0.85, 1.15, 1.4, 2.0), 0.25, 4, 1.4),
    Augmentation("crop", "image", "crop (zoom in)", "side kept", (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3), 0.1, 1, 0.6),
    Augmentation("flip", "image", "flip", "1 = left-right, 2 = upside down", (1, 2), 0, 2, 1),
    Augmentation("rotate", "image", "rotation", "degrees", (5, 10, 20, 45, 90, 180), -360, 360, 20),
    Augmentation("colour", "image", "colour jitter (hue turned)", "degrees of hue", (15, 30, 60, 90, 120, 180),
                 -360, 360, 90),
    Augmentation("blur", "image", "blur", "pixels (radius)", (0.5, 1, 2, 3, 5, 8), 0, 30, 3),
)}
AUDIO = tuple(n for n, a in AUGMENTATIONS.items() if a.modality == "audio")
IMAGE = tuple(n for n, a in AUGMENTATIONS.items() if a.modality == "image")


def check(name: str, modality: str) -> Augmentation:
    aug = AUGMENTATIONS.get(str(name))
    names = AUDIO if modality == "audio" else IMAGE
    if aug is None or aug.modality != modality:
        what = "sounds" if modality == "audio" else "pictures"
        raise InputError(f"'{str(name)[:30]}' is not an augmentation for {what}; use one of: {', '.join(names)}.")
    return aug


def check_strength(aug: Augmentation, value: float) -> float:
    value = float(value)
    if not np.isfinite(value) or not aug.low <= value <= aug.high:
        raise InputError(f"{aug.label[:1].upper()}{aug.label[1:]} of {value:g} {aug.unit} is outside {aug.low:g} to "
                         f"{aug.high:g} {aug.unit}.")
    if aug.name == "flip" and value not in (0, 1, 2):
        raise InputError("Flip takes 1 (left-right) or 2 (upside down).")
    return value


# -- sounds ------------------------------------------------------------------------------------------------
def add_noise(y: np.ndarray, snr_db: float, seed: int = NOISE_SEED) -> np.ndarray:
    """y + white noise whose power is exactly P_signal / 10^(snr/10) (measured on this noise draw)."""
    y = np.asarray(y, dtype=np.float64)
    noise = np.random.default_rng(seed).standard_normal(y.size)  # [n]
    p_signal, p_noise = float(np.mean(y ** 2)), float(np.mean(noise ** 2))
    if p_signal == 0.0:
        return y.astype(np.float32)
    noise *= np.sqrt(p_signal / (p_noise * 10.0 ** (snr_db / 10.0)))
    return (y + noise).astype(np.float32)


def time_shift(y: np.ndarray, seconds: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    return np.roll(np.asarray(y, dtype=np.float32), int(round(seconds * sr)))


def gain(y: np.ndarray, db: float) -> np.ndarray:
    return np.clip(np.asarray(y, dtype=np.float64) * 10.0 ** (db / 20.0), -1.0, 1.0).astype(np.float32)


def pitch_shift(y: np.ndarray, semitones: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    import librosa

    if semitones == 0:
        return np.asarray(y, dtype=np.float32).copy()
    return librosa.effects.pitch_shift(np.asarray(y, dtype=np.float32), sr=sr, n_steps=float(semitones)).astype(np.float32)


def time_stretch(y: np.ndarray, rate: float) -> np.ndarray:
    import librosa

    if rate == 1:
        return np.asarray(y, dtype=np.float32).copy()
    return librosa.effects.time_stretch(np.asarray(y, dtype=np.float32), rate=float(rate)).astype(np.float32)


def augment_audio(y: np.ndarray, name: str, strength: float) -> np.ndarray:
    """One augmented copy of 16 kHz mono samples."""
    if name == "noise":
        return add_noise(y, strength)
    if name == "shift":
        return time_shift(y, strength)
    if name == "gain":
        return gain(y, strength)
    if name == "pitch":
        return pitch_shift(y, strength)
    if name == "stretch":
        return time_stretch(y, strength)
    raise ValueError(name)


# -- pictures ----------------------------------------------------------------------------------------------
def network_crop(image) -> object:
    """The 224 x 224 RGB crop EfficientNet-Lite0 sees (``encoders.efficientnet.preprocess``'s geometry)."""
    from PIL import Image

    img = image.convert("RGB")
    w, h = img.size
    scale = PICTURE_SIDE / min(w, h)
    nw, nh = max(PICTURE_SIDE, round(w * scale)), max(PICTURE_SIDE, round(h * scale))
    img = img.resize((nw, nh), Image.BILINEAR)
    left, top = (nw - PICTURE_SIDE) // 2, (nh - PICTURE_SIDE) // 2
    return img.crop((left, top, left + PICTURE_SIDE, top + PICTURE_SIDE))


def centre_crop(img, fraction: float):
    from PIL import Image

    side = max(1, int(round(PICTURE_SIDE * fraction)))
    left = (PICTURE_SIDE - side) // 2
    return img.crop((left, left, left + side, left + side)).resize((PICTURE_SIDE, PICTURE_SIDE), Image.BILINEAR)


def flip(img, kind: float):
    from PIL import Image

    if kind == 1:
        return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if kind == 2:
        return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return img.copy()


def rotate(img, degrees: float):
    from PIL import Image

    return img.rotate(float(degrees), resample=Image.BILINEAR, fillcolor=FILL)


def hue_turn(img, degrees: float):
    """Every pixel's hue turned by ``degrees`` (Pillow HSV, hue in 256 steps); saturation and value kept."""
    from PIL import Image

    hsv = np.asarray(img.convert("HSV"), dtype=np.int16)  # [H, W, 3]
    steps = int(round(degrees / 360.0 * 256.0))
    hsv[..., 0] = (hsv[..., 0] + steps) % 256
    return Image.fromarray(hsv.astype(np.uint8), mode="HSV").convert("RGB")


def blur(img, radius: float):
    from PIL import ImageFilter

    return img.filter(ImageFilter.GaussianBlur(float(radius))) if radius > 0 else img.copy()


def augment_image(img, name: str, strength: float):
    """One augmented copy of a 224 x 224 RGB picture."""
    if name == "crop":
        return centre_crop(img, strength)
    if name == "flip":
        return flip(img, strength)
    if name == "rotate":
        return rotate(img, strength)
    if name == "colour":
        return hue_turn(img, strength)
    if name == "blur":
        return blur(img, strength)
    raise ValueError(name)
