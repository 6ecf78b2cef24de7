"""Sounds (and pictures): augmentations and invariance. Which representation stays put when the input changes?

Pure numpy/librosa/torch, no Gradio. For one clip (or picture) and one augmentation, a sweep of
strengths; at each strength the cosine between the clean and the augmented vector, per representation.

Sound representations (every clip is first made 16 kHz mono and cut to its first ``MAX_SECONDS``):
- waveform:  the samples themselves. The two clips are compared sample by sample over their common
             length (the shorter clip's length; no alignment), cosine = a.b / (|a| |b|).
- mfcc:      the mean over frames of ``librosa.feature.mfcc(y, sr=16000, n_mfcc=20)`` (20 numbers).
- logmel:    the mean over frames of YAMNet's own log-mel spectrogram (64 bands, 25 ms frames every
             10 ms, ``log(mel + 0.001)``; ``encoders.yamnet.log_mel_spectrogram``) (64 numbers).
- yamnet:    the app's YAMNet vector (``get_encoder("yamnet")``: the mean of its 0.96 s patch embeddings).
- clap:      CLAP's audio vector, only where CLAP loads.

Picture representations (every picture is first cut to the 224 x 224 crop EfficientNet-Lite0 sees):
- pixels:        the 150,528 numbers of that crop, scaled as the network receives them ((x - 127) / 128).
- efficientnet:  the app's EfficientNet-Lite0 vector.
- clip:          CLIP's image vector, only where CLIP loads.

A cosine is only high or low *compared with something*: mean MFCCs of two unrelated sounds already
have a cosine near 1. So each representation also gets a **baseline**: the median cosine between the
clean clip and the other gallery clips (pictures: gallery pictures). An augmented copy that stays
above that line still looks more like itself than like other sounds.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np
from gradio import FileData

from lessons.sounds import augment
from media.errors import InputError

MAX_SECONDS = 6.0  # the gallery's longest clip is 6 s, so gallery clips are used whole
MIN_SECONDS = 0.1
MAX_STRENGTHS = 8
N_MFCC = 20
DEFAULT_SOUND = "dog"
DEFAULT_PICTURE = "cat"
AUDIO_REPRESENTATIONS = ("waveform", "mfcc", "logmel", "yamnet", "clap")
IMAGE_REPRESENTATIONS = ("pixels", "efficientnet", "clip")
LABELS = {"waveform": "raw waveform", "mfcc": "mean MFCC (20)", "logmel": "mean log-mel (64)",
          "yamnet": "YAMNet (1024)", "clap": "CLAP (512)", "pixels": "raw pixels (224 x 224 x 3)",
          "efficientnet": "EfficientNet-Lite0 (1280)", "clip": "CLIP ViT-B/32 (512)"}
LOG_FEATURES = ("mfcc", "logmel")  # logarithms of energies: their sign depends on the loudness, not on the sound
AugmentationName = Literal["noise", "shift", "gain", "pitch", "stretch", "crop", "flip", "rotate", "colour", "blur"]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(a @ b / (na * nb))


def waveform_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Sample by sample over the common length (the shorter clip's), no alignment."""
    n = min(len(a), len(b))
    return cosine(a[:n], b[:n])


def mean_mfcc(y: np.ndarray) -> np.ndarray:
    import librosa

    return librosa.feature.mfcc(y=np.asarray(y, dtype=np.float32), sr=augment.SAMPLE_RATE,
                                n_mfcc=N_MFCC).mean(axis=1)  # [20]


def mean_log_mel(y: np.ndarray) -> np.ndarray:
    from encoders.yamnet import log_mel_spectrogram

    return log_mel_spectrogram(y).mean(axis=0)  # [frames, 64] -> [64]


# -- inputs --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # 16 kHz mono float32, at most MAX_SECONDS
    label: str
    gallery_id: str | None
    cut_from: float | None = None  # the original length in seconds when it was cut


def load_clip(gallery_id: str | None, file=None) -> Clip:
    from api.files import uploaded_path
    from encoders.yamnet import to_mono_16k
    from gallery.manifest import items_of
    from media.decode import decode_file
    from media.files import display_name

    path = uploaded_path(file) if file else None
    if path:
        decoded, label, gid = decode_file("audio", path), display_name(path), None
    else:
        wanted = str(gallery_id or DEFAULT_SOUND).strip()
        found = [it for it in items_of("audio") if it.id == wanted]
        if not found:
            some = ", ".join(it.id for it in items_of("audio")[:6])
            raise InputError(f"There is no gallery sound called '{wanted[:60]}'. Upload a clip, or use a gallery id "
                             f"such as {some}.")
        decoded, label, gid = decode_file("audio", found[0].path), found[0].caption, found[0].id
    y = to_mono_16k(decoded)  # [n] at 16 kHz
    seconds = len(y) / augment.SAMPLE_RATE
    if seconds < MIN_SECONDS:
        raise InputError(f"'{label}' is {seconds:.2f} s long; give a sound of at least {MIN_SECONDS} s.")
    if not np.any(y):
        raise InputError(f"'{label}' is silent (every sample is 0): there is nothing to change or compare. "
                         "Record or upload a sound.")
    limit = int(MAX_SECONDS * augment.SAMPLE_RATE)
    return Clip(y[:limit].astype(np.float32), label, gid, seconds if len(y) > limit else None)


def check_strengths(aug: augment.Augmentation, strengths: list[float] | None) -> list[float]:
    if not strengths:
        return [float(s) for s in aug.sweep]
    if len(strengths) > MAX_STRENGTHS:
        raise InputError(f"At most {MAX_STRENGTHS} strengths per sweep; you gave {len(strengths)}.")
    try:
        values = [float(s) for s in strengths]
    except (TypeError, ValueError):
        raise InputError(f"Strengths must be numbers ({aug.unit}).") from None
    return [augment.check_strength(aug, v) for v in values]


def _available(key: str) -> str | None:
    """None when the encoder loads here, else why not."""
    from encoders import EncoderUnavailable, get_encoder

    try:
        get_encoder(key).ensure_loaded()
    except EncoderUnavailable as exc:
        return str(exc)
    return None


# -- representations ------------------------------------------------------------------------------------------
def audio_vectors(name: str, clips: list[np.ndarray]) -> list[np.ndarray]:
    """One representation of several 16 kHz clips (waveforms are returned as they are)."""
    from encoders import AudioClip, get_encoder

    if name == "waveform":
        return [np.asarray(y, dtype=np.float32) for y in clips]
    if name == "mfcc":
        return [mean_mfcc(y) for y in clips]
    if name == "logmel":
        return [mean_log_mel(y) for y in clips]
    vecs = get_encoder(name).encode("audio", [AudioClip(np.asarray(y, np.float32), augment.SAMPLE_RATE) for y in clips])
    return list(vecs)


def image_vectors(name: str, pictures: list) -> list[np.ndarray]:
    from encoders import get_encoder

    if name == "pixels":
        return [(np.asarray(p, dtype=np.float32) - 127.0) / 128.0 for p in pictures]  # [224, 224, 3] each
    return list(get_encoder(name).encode("image", pictures))


def similarity(name: str, a: np.ndarray, b: np.ndarray) -> float:
    return waveform_cosine(a, b) if name == "waveform" else cosine(a, b)


# -- baselines: the clean item against the other gallery items --------------------------------------------------
_gallery_lock = threading.Lock()
_gallery_cache: dict[tuple[str, str], tuple[list[str], list[np.ndarray]]] = {}


def gallery_representation(modality: str, name: str) -> tuple[list[str], list[np.ndarray]]:
    """(ids, vectors) of every gallery item of ``modality`` under one representation (once per process)."""
    from gallery.index import decode_items, gallery_vectors
    from gallery.manifest import items_of

    key = (modality, name)
    with _gallery_lock:
        if key in _gallery_cache:
            return _gallery_cache[key]
    items = items_of(modality)
    ids = [it.id for it in items]
    if modality == "audio" and name in ("yamnet", "clap"):
        vecs = list(gallery_vectors(name, "audio")[1])  # gallery clips are at most MAX_SECONDS: used whole
    elif modality == "image" and name in ("efficientnet", "clip"):
        vecs = list(gallery_vectors(name, "image")[1])  # the encoder's own crop: the same picture
    elif modality == "audio":
        clips = [load_clip(i).samples for i in ids]
        vecs = audio_vectors(name, clips)
    else:
        pictures = [augment.network_crop(img) for img in decode_items(items)]
        vecs = [v.astype(np.float32) for v in image_vectors(name, pictures)]
    with _gallery_lock:
        _gallery_cache[key] = (ids, vecs)
    return ids, vecs


def baseline(modality: str, name: str, clean: np.ndarray, own_id: str | None) -> float:
    """Median cosine between the clean item and every other gallery item (same representation)."""
    ids, vecs = gallery_representation(modality, name)
    sims = [similarity(name, clean, v) for i, v in zip(ids, vecs) if i != own_id]
    return float(np.median(sims))


# -- the sweep ------------------------------------------------------------------------------------------------
@dataclass
class Curve:
    name: str
    label: str
    cosine: list[float]  # one per strength
    baseline: float  # median cosine with the other gallery items
    sign_changes: list[int] = field(default_factory=list)  # log features only: numbers whose sign flipped, per strength
    dims: int = 0  # how many numbers the representation has


@dataclass
class Sweep:
    modality: str
    augmentation: augment.Augmentation
    strengths: list[float]
    item_label: str
    gallery_id: str | None
    curves: list[Curve]
    unavailable: dict[str, str]  # representation -> why it is missing
    cut_from: float | None = None
    seconds: float = 0.0  # wall clock of the sweep
    clean: object = field(default=None, repr=False)  # 16 kHz samples or the 224 x 224 picture


def sweep(modality: str = "audio", augmentation: str = "noise", gallery_id: str = "", file=None,
          strengths: list[float] | None = None, progress: Callable[[float, str], None] | None = None,
          baselines: bool = True) -> Sweep:
    if modality not in ("audio", "image"):
        raise InputError("modality is 'audio' or 'image'.")
    aug = augment.check(augmentation, modality)
    chosen = check_strengths(aug, strengths)
    start = time.perf_counter()
    names = AUDIO_REPRESENTATIONS if modality == "audio" else IMAGE_REPRESENTATIONS
    unavailable = {n: r for n in names if n in ("yamnet", "clap", "efficientnet", "clip") for r in [_available(n)] if r}
    names = [n for n in names if n not in unavailable]
    if modality == "audio":
        clip = load_clip(gallery_id or DEFAULT_SOUND, file)
        clean, label, gid, cut = clip.samples, clip.label, clip.gallery_id, clip.cut_from
        variants = []
        for i, s in enumerate(chosen):
            if progress:
                progress(i / (len(chosen) + 1), f"{aug.label} {s:g} {aug.unit}")
            variants.append(augment.augment_audio(clean, aug.name, s))
        represent = audio_vectors
    else:
        from lessons.images.pictures import load_picture

        picture = load_picture(gallery_id or DEFAULT_PICTURE, file)
        clean, label, gid, cut = augment.network_crop(picture.image), picture.label, picture.gallery_id, None
        variants = [augment.augment_image(clean, aug.name, s) for s in chosen]
        represent = image_vectors
    curves = []
    for j, name in enumerate(names):
        if progress:
            progress((len(chosen) + j / len(names)) / (len(chosen) + 1), f"{LABELS[name]}")
        vecs = represent(name, [clean] + variants)
        base = baseline(modality, name, vecs[0], gid) if baselines else float("nan")
        flips = [int(np.sum(np.sign(vecs[0]) != np.sign(v))) for v in vecs[1:]] if name in LOG_FEATURES else []
        curves.append(Curve(name, LABELS[name], [similarity(name, vecs[0], v) for v in vecs[1:]], base, flips,
                            int(np.asarray(vecs[0]).size)))
    return Sweep(modality, aug, chosen, label, gid, curves, unavailable, cut, time.perf_counter() - start, clean)


def augmented(modality: str, augmentation: str, gallery_id: str, file, strength: float):
    """One augmented copy to listen to or look at: (clean, augmented) 16 kHz samples or 224 x 224 pictures."""
    aug = augment.check(augmentation, modality)
    s = augment.check_strength(aug, strength)
    if modality == "audio":
        clean = load_clip(gallery_id or DEFAULT_SOUND, file).samples
        return clean, augment.augment_audio(clean, aug.name, s)
    from lessons.images.pictures import load_picture

    clean = augment.network_crop(load_picture(gallery_id or DEFAULT_PICTURE, file).image)
    return clean, augment.augment_image(clean, aug.name, s)


def playable(y: np.ndarray) -> tuple[tuple[int, np.ndarray], bool]:
    """((16000, int16 samples), clipped?) for a player: full scale is 1.0, peaks beyond it are clipped.

    Passing floats to a Gradio player would rescale every clip to its own peak (a gain change would be
    inaudible), so the samples are converted here at a fixed scale.
    """
    y = np.asarray(y, dtype=np.float64)
    clipped = bool(np.any(np.abs(y) > 1.0))
    return (augment.SAMPLE_RATE, np.round(np.clip(y, -1.0, 1.0) * 32767.0).astype(np.int16)), clipped


# -- the public endpoint ----------------------------------------------------------------------------
def invariance(gallery_id: str = "", file: FileData | None = None, augmentation: AugmentationName = "noise",
               strengths: list[float] | None = None, modality: Literal["audio", "image"] = "audio") -> dict:
    """Cosine between a clean and an augmented sound (or picture) for several representations, over a sweep.

    ``modality`` "audio": augmentations noise (dB SNR), shift (s), gain (dB), pitch (semitones), stretch (rate);
    representations waveform, mfcc, logmel, yamnet (and clap where it loads). ``modality`` "image": crop
    (fraction of the side kept), flip (1 left-right, 2 upside down), rotate (degrees), colour (hue turned,
    degrees), blur (radius, px); representations pixels, efficientnet (and clip where it loads).
    ``file`` (an upload) wins over ``gallery_id`` (default: the dog's bark, or the cat picture); sounds are cut
    to their first 6 s. ``strengths``: up to 8 (default: the augmentation's own sweep).
    Returns {"augmentation", "strengths": [...], "representations": [{"name", "cosine": [...]}]}.
    """
    r = sweep(modality, augmentation, gallery_id, file, strengths, baselines=False)
    return {"augmentation": r.augmentation.name, "strengths": r.strengths,
            "representations": [{"name": c.name, "cosine": [round(v, 6) for v in c.cosine]} for c in r.curves]}
