"""Sounds lesson: the augmentations do what they say, and every cosine equals a direct computation.

References: the SNR formula measured on the result; numpy for shifts, gains, flips; librosa's own
``mfcc``, ``pitch_shift``, ``time_stretch``; YAMNet's front end and ``encode``; EfficientNet's
``encode``; Pillow for the picture changes.
"""
import numpy as np
import pytest

from encoders import AudioClip, get_encoder
from lessons.sounds import augment, compute
from media.errors import InputError

SR = augment.SAMPLE_RATE


@pytest.fixture(scope="module")
def bark():
    return compute.load_clip("dog").samples  # 16 kHz mono float32


def snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    noise = noisy.astype(np.float64) - clean.astype(np.float64)
    return 10 * np.log10(np.mean(clean.astype(np.float64) ** 2) / np.mean(noise ** 2))


@pytest.mark.parametrize("snr", [40, 10, 0, -5])
def test_noise_is_added_at_exactly_the_requested_snr(bark, snr):
    noisy = augment.add_noise(bark, snr)
    assert snr_db(bark, noisy) == pytest.approx(snr, abs=1e-3)  # float32 storage of the sum
    np.testing.assert_array_equal(noisy, augment.add_noise(bark, snr))  # fixed seed: the same noise every time


def test_shift_gain_and_the_waveform_cosine(bark):
    shifted = augment.time_shift(bark, 0.1)
    np.testing.assert_array_equal(shifted, np.roll(bark, 1600))
    assert compute.waveform_cosine(bark, augment.time_shift(bark, 0)) == pytest.approx(1.0)
    quieter = augment.gain(bark, -10)
    np.testing.assert_allclose(quieter, bark * 10 ** (-10 / 20), rtol=1e-6, atol=1e-9)
    assert compute.waveform_cosine(bark, quieter) == pytest.approx(1.0, abs=1e-9)  # a scale: cosine ignores it
    louder = augment.gain(bark, 20)
    assert np.abs(louder).max() <= 1.0 and np.any(np.abs(bark * 10.0) > 1.0)  # clipped as a recording would be
    a, b = np.arange(1.0, 6.0), np.array([1.0, 0.0, 1.0])
    assert compute.waveform_cosine(a, b) == pytest.approx((1 + 3) / (np.linalg.norm(a[:3]) * np.sqrt(2)))


def test_pitch_and_stretch_are_librosas(bark):
    import librosa

    np.testing.assert_allclose(augment.pitch_shift(bark, 4), librosa.effects.pitch_shift(bark, sr=SR, n_steps=4.0),
                               atol=1e-6)
    stretched = augment.time_stretch(bark, 2.0)
    np.testing.assert_allclose(stretched, librosa.effects.time_stretch(bark, rate=2.0), atol=1e-6)
    assert abs(len(stretched) - len(bark) / 2) <= 2 * 512  # half as long (within a hop)


def test_sweep_cosines_equal_direct_computations(bark):
    import librosa

    from encoders.yamnet import log_mel_spectrogram

    strengths = [20.0, 0.0]
    r = compute.sweep("audio", "noise", "dog", strengths=strengths)
    curves = {c.name: c for c in r.curves}
    assert set(curves) >= {"waveform", "mfcc", "logmel", "yamnet"}
    yam = get_encoder("yamnet")
    for j, s in enumerate(strengths):
        noisy = augment.add_noise(bark, s)
        mfcc = [librosa.feature.mfcc(y=y, sr=SR, n_mfcc=20).mean(axis=1) for y in (bark, noisy)]
        mel = [log_mel_spectrogram(y).mean(axis=0) for y in (bark, noisy)]
        vec = yam.encode("audio", [AudioClip(bark, SR), AudioClip(noisy, SR)])
        cos = lambda a, b: float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))  # noqa: E731
        assert curves["waveform"].cosine[j] == pytest.approx(cos(bark.astype(float), noisy.astype(float)), abs=1e-6)
        assert curves["mfcc"].cosine[j] == pytest.approx(cos(*mfcc), abs=1e-6)
        assert curves["logmel"].cosine[j] == pytest.approx(cos(*mel), abs=1e-6)
        assert curves["yamnet"].cosine[j] == pytest.approx(float(vec[0] @ vec[1]), abs=1e-5)
    # noise at 0 dB SNR is as loud as the sound; white noise is uncorrelated with it: cos ~ 1/sqrt(2)
    assert curves["waveform"].cosine[1] == pytest.approx(1 / np.sqrt(2), abs=0.02)


def test_baseline_is_the_median_cosine_with_the_other_gallery_clips():
    from gallery.manifest import items_of

    r = compute.sweep("audio", "gain", "dog", strengths=[-6.0])
    mfcc = next(c for c in r.curves if c.name == "mfcc")
    clean = compute.mean_mfcc(compute.load_clip("dog").samples)
    others = [compute.mean_mfcc(compute.load_clip(it.id).samples) for it in items_of("audio") if it.id != "dog"]
    sims = [float(clean @ o / np.linalg.norm(clean) / np.linalg.norm(o)) for o in others]
    assert mfcc.baseline == pytest.approx(float(np.median(sims)), abs=1e-6)
    yamnet = next(c for c in r.curves if c.name == "yamnet")
    from gallery.index import gallery_vectors

    items, vecs = gallery_vectors("yamnet", "audio")
    own = get_encoder("yamnet").encode("audio", [AudioClip(compute.load_clip("dog").samples, SR)])[0]
    want = np.median([float(own @ v) for it, v in zip(items, vecs) if it.id != "dog"])
    assert yamnet.baseline == pytest.approx(float(want), abs=1e-5)


def test_invariance_endpoint_has_exactly_the_issues_shape():
    out = compute.invariance(gallery_id="dog", augmentation="shift", strengths=[0.0, 0.001, 0.5])
    assert set(out) == {"augmentation", "strengths", "representations"}
    assert out["augmentation"] == "shift" and out["strengths"] == [0.0, 0.001, 0.5]
    for rep in out["representations"]:
        assert set(rep) == {"name", "cosine"} and len(rep["cosine"]) == 3
    by = {rep["name"]: rep["cosine"] for rep in out["representations"]}
    assert by["waveform"][0] == pytest.approx(1.0) and by["waveform"][1] < 0.9  # 1 ms moves every sample
    assert by["mfcc"][2] > 0.99  # a frame-average barely notices a rotation in time


def test_picture_augmentations_and_their_cosines():
    from PIL import Image

    from lessons.images.pictures import load_picture

    crop = augment.network_crop(load_picture("cat").image)
    assert crop.size == (224, 224)
    np.testing.assert_array_equal(np.asarray(augment.flip(augment.flip(crop, 1), 1)), np.asarray(crop))
    np.testing.assert_array_equal(np.asarray(augment.flip(crop, 1)), np.asarray(crop)[:, ::-1])
    np.testing.assert_array_equal(np.asarray(augment.centre_crop(crop, 1.0)), np.asarray(crop))
    np.testing.assert_array_equal(np.asarray(augment.rotate(crop, 90)),
                                  np.asarray(crop.transpose(Image.Transpose.ROTATE_90)))
    r = compute.sweep("image", "flip", "cat", strengths=[1.0, 2.0])
    curves = {c.name: c for c in r.curves}
    eff = get_encoder("efficientnet")
    pix = lambda im: (np.asarray(im, np.float64) - 127.0) / 128.0  # noqa: E731
    for j, kind in enumerate((1, 2)):
        changed = augment.flip(crop, kind)
        a, b = pix(crop).ravel(), pix(changed).ravel()
        assert curves["pixels"].cosine[j] == pytest.approx(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)), abs=1e-6)
        v = eff.encode("image", [crop, changed])
        assert curves["efficientnet"].cosine[j] == pytest.approx(float(v[0] @ v[1]), abs=1e-5)
    # the encoder's own crop of the gallery picture is this crop: the same vector as the cached gallery one
    from gallery.index import gallery_vectors

    items, vecs = gallery_vectors("efficientnet", "image")
    own = vecs[[it.id for it in items].index("cat")]
    np.testing.assert_allclose(eff.encode("image", [crop])[0], own, atol=1e-5)


def test_hue_turn_keeps_grey_and_turns_colours():
    from PIL import Image

    img = Image.new("RGB", (4, 4), (200, 30, 30))  # red
    turned = np.asarray(augment.hue_turn(img, 120))[0, 0]
    assert turned[1] > turned[0] and turned[1] > turned[2]  # red turned a third of the way: green
    grey = Image.new("RGB", (4, 4), (128, 128, 128))
    np.testing.assert_array_equal(np.asarray(augment.hue_turn(grey, 90)), np.asarray(grey))


def test_playable_is_int16_at_a_fixed_scale():
    (sr, data), clipped = compute.playable(np.array([0.5, -0.25, 1.5]))
    assert sr == SR and data.dtype == np.int16 and clipped
    assert data.tolist() == [16384, -8192, 32767]


def test_bad_requests_get_clear_messages():
    with pytest.raises(InputError, match="not an augmentation for sounds"):
        compute.invariance(augmentation="blur")
    with pytest.raises(InputError, match="not an augmentation for pictures"):
        compute.invariance(augmentation="noise", modality="image")
    with pytest.raises(InputError, match="At most 8"):
        compute.invariance(strengths=[1.0] * 9)
    with pytest.raises(InputError, match="outside"):
        compute.invariance(augmentation="pitch", strengths=[99.0])
    with pytest.raises(InputError, match="no gallery sound"):
        compute.invariance(gallery_id="no-such-sound")
    with pytest.raises(InputError, match="not uploaded"):
        compute.invariance(file={"path": "/etc/passwd"})


def test_sign_changes_of_log_features_equal_a_direct_count(bark):
    """The page explains a negative log-mel cosine by the numbers that changed sign: that count is real."""
    r = compute.sweep("audio", "noise", "dog", strengths=[40.0, 0.0], baselines=False)
    curves = {c.name: c for c in r.curves}
    clean = compute.mean_log_mel(bark)
    for j, s in enumerate((40.0, 0.0)):
        noisy = compute.mean_log_mel(augment.add_noise(bark, s))
        assert curves["logmel"].sign_changes[j] == int(np.sum(np.sign(clean) != np.sign(noisy)))
    assert curves["logmel"].dims == 64 and curves["mfcc"].dims == 20
    assert curves["logmel"].cosine[1] < 0 < curves["logmel"].sign_changes[1]  # the dog at 0 dB: flipped, negative
    assert curves["waveform"].sign_changes == [] and curves["yamnet"].sign_changes == []


def test_page_plot_and_verdict_show_the_sweeps_numbers():
    from lessons.sounds import view

    r = compute.sweep("audio", "noise", "dog", strengths=[20.0, 0.0])
    fig = view.sweep_figure(r)
    lines = [t for t in fig.data if t.name in {c.label for c in r.curves}]
    assert [list(t.y) for t in lines] == [c.cosine for c in r.curves]
    assert sorted(s.y0 for s in fig.layout.shapes) == sorted(c.baseline for c in r.curves)  # the dotted baselines
    assert list(fig.layout.yaxis.range) == [-1.02, 1.02]  # fixed scale, comparable between runs
    text = view.verdict_md(r)
    for c in r.curves:
        assert f"cosine {view._num(c.cosine[-1])}; with other gallery sounds the median is {view._num(c.baseline)}" in text
    assert "-0.000" not in text


def test_silent_and_short_uploads_get_their_own_message(tmp_path, monkeypatch):
    import soundfile as sf

    import api.files

    silent, short = tmp_path / "silent.wav", tmp_path / "short.wav"
    sf.write(silent, np.zeros(SR, np.float32), SR)
    sf.write(short, np.full(SR // 20, 0.1, np.float32), SR)
    monkeypatch.setattr(api.files, "uploaded_path", lambda f: str(f["path"]))  # plumbing only: skip the upload check
    with pytest.raises(InputError, match="is silent"):
        compute.load_clip(None, {"path": str(silent)})
    with pytest.raises(InputError, match="0.05 s long"):
        compute.load_clip(None, {"path": str(short)})
    with pytest.raises(InputError, match="^Added noise of 100 dB SNR is outside -10 to 80 dB SNR"):
        compute.invariance(strengths=[100.0])
