"""Joint encoders (CLIP, CLAP): plumbing checks with tiny randomly initialised models, not quality checks.

The real weights live on the Hugging Face hub, which these machines cannot reach.
So each test builds a *tiny random* model in a temporary folder and loads it
through the same code path the real one uses when ``EMBEDDING_LAB_CLIP_PATH`` /
``EMBEDDING_LAB_CLAP_PATH`` point at local files. These tests check shapes, dtypes,
unit norms, determinism, batch == one at a time, and that the local weights are
really the ones used; they say nothing about how good the vectors are.

Nothing here downloads anything: the hub is offline (``HF_HUB_OFFLINE=1``), and the
"unavailable" tests also make any socket connection fail.
"""
import glob
import json
import math
import os
import socket
import time

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # conftest sets it too; never reach for the hub

from encoders.base import AudioClip, EncoderUnavailable  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE_FILES = sorted(glob.glob(os.path.join(ROOT, "assets", "images", "*.jpg")))[:2]
TEXTS = ["a photo of a cat", "a rocket on a launch pad", "coffee"]
ENV_VARS = ("EMBEDDING_LAB_CLIP_PATH", "EMBEDDING_LAB_CLIP_MODEL", "EMBEDDING_LAB_CLAP_PATH",
            "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE")

# open_clip config: 1-layer towers 32 wide, 64 px images; the real BPE vocabulary
# (the wheel ships it) so the real tokenizer works. embed_dim 512 as in ViT-B-32.
TINY_CLIP_NAME = "EmbLabTinyCLIP"
TINY_CLIP_CFG = {
    "embed_dim": 512,
    "vision_cfg": {"image_size": 64, "layers": 1, "width": 32, "head_width": 16, "patch_size": 16},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


def assert_unit_rows(vecs, n, dim):
    assert vecs.dtype == np.float32
    assert vecs.shape == (n, dim)
    assert np.isfinite(vecs).all()
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def assert_batch_equals_singles(enc, modality, items, vecs):
    singles = np.concatenate([enc.encode(modality, [x]) for x in items])
    np.testing.assert_allclose(vecs, singles, atol=1e-5)


def fake_hub_cache(hf_home, repo_id, files):
    """Lay files out as huggingface_hub's cache does: hub/models--org--name/{refs/main, snapshots/<rev>/}."""
    import shutil

    repo_dir = os.path.join(hf_home, "hub", "models--" + repo_id.replace("/", "--"))
    revision = "0123456789abcdef0123456789abcdef01234567"
    snapshot = os.path.join(repo_dir, "snapshots", revision)
    os.makedirs(snapshot)
    os.makedirs(os.path.join(repo_dir, "refs"))
    with open(os.path.join(repo_dir, "refs", "main"), "w") as f:
        f.write(revision)
    for name, src in files.items():
        shutil.copy(src, os.path.join(snapshot, name))
    return snapshot


@pytest.fixture
def clean_env(monkeypatch):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return monkeypatch


# -- CLIP ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory):
    import open_clip
    import torch

    folder = tmp_path_factory.mktemp("clip")
    cfg_path = folder / f"{TINY_CLIP_NAME}.json"
    cfg_path.write_text(json.dumps(TINY_CLIP_CFG))
    open_clip.add_model_config(str(cfg_path))
    torch.manual_seed(0)
    model = open_clip.create_model(TINY_CLIP_NAME).eval()
    weights = folder / "clip_tiny.pt"
    torch.save(model.state_dict(), weights)
    return {"config": str(cfg_path), "weights": str(weights), "model": model}


@pytest.fixture
def clip_encoder(tiny_clip, clean_env):
    from encoders.clip import ClipEncoder

    clean_env.setenv("EMBEDDING_LAB_CLIP_MODEL", tiny_clip["config"])
    clean_env.setenv("EMBEDDING_LAB_CLIP_PATH", tiny_clip["weights"])
    return ClipEncoder()


@pytest.fixture(scope="module")
def images():
    from PIL import Image

    assert len(IMAGE_FILES) == 2
    return [Image.open(p).convert("RGB") for p in IMAGE_FILES]


def test_clip_tiny_loads_from_local_path(clip_encoder, tiny_clip):
    enc = clip_encoder
    assert enc.availability() is None
    assert enc.status()["status"] == "available"
    enc.ensure_loaded()
    status = enc.status()
    assert status["status"] == "loaded" and status["family"] == "joint"
    assert status["modalities"] == ["text", "image"] and status["dim"] == 512
    # The weights in use are the saved ones, not a fresh random init.
    saved = tiny_clip["model"].state_dict()
    loaded = enc.model.state_dict()
    assert saved.keys() == loaded.keys()
    for key in saved:
        assert np.array_equal(saved[key].numpy(), loaded[key].numpy()), key
    # Untrained: logit_scale is still its init value log(1 / 0.07).
    assert enc.zero_shot_scale == pytest.approx(1 / 0.07, rel=1e-5)


def test_clip_tiny_texts_and_images_share_a_space(clip_encoder, images):
    enc = clip_encoder
    t = enc.encode("text", TEXTS)
    i = enc.encode("image", images)
    assert_unit_rows(t, 3, 512)
    assert_unit_rows(i, 2, 512)
    np.testing.assert_array_equal(t, enc.encode("text", TEXTS))  # deterministic
    np.testing.assert_array_equal(i, enc.encode("image", images))
    assert_batch_equals_singles(enc, "text", TEXTS, t)
    assert_batch_equals_singles(enc, "image", images, i)
    sims = t @ i.T
    assert sims.shape == (3, 2) and np.all(np.abs(sims) <= 1 + 1e-5)
    assert enc.encode("image", []).shape == (0, 512)


def test_clip_tiny_matches_open_clip_called_directly(clip_encoder, tiny_clip, images):
    """Our wrapper = open_clip's own tokenizer, eval transform and encode_* on the same weights."""
    import open_clip
    import torch

    model = tiny_clip["model"]
    _, _, preprocess = open_clip.create_model_and_transforms(TINY_CLIP_NAME)
    tokenizer = open_clip.get_tokenizer(TINY_CLIP_NAME)
    with torch.inference_mode():
        t = model.encode_text(tokenizer(TEXTS), normalize=True).numpy()
        i = model.encode_image(torch.stack([preprocess(im) for im in images]), normalize=True).numpy()
    np.testing.assert_allclose(clip_encoder.encode("text", TEXTS), t, atol=1e-5)
    np.testing.assert_allclose(clip_encoder.encode("image", images), i, atol=1e-5)


def test_clip_tiny_loads_from_hf_cache(tiny_clip, clean_env, tmp_path, images):
    """The Spaces path: weights found in the HF cache (as preload_from_hub leaves them), hub offline."""
    import torch
    from safetensors.torch import save_file

    from encoders.clip import HUB_REPO, ClipEncoder

    weights = tmp_path / "open_clip_model.safetensors"
    save_file({k: v.contiguous() for k, v in tiny_clip["model"].state_dict().items()}, str(weights))
    fake_hub_cache(str(tmp_path / "hf-home"), HUB_REPO, {"open_clip_model.safetensors": weights})
    clean_env.setenv("HF_HOME", str(tmp_path / "hf-home"))
    clean_env.setenv("EMBEDDING_LAB_CLIP_MODEL", tiny_clip["config"])  # tiny architecture, cached file
    enc = ClipEncoder()
    assert enc.availability() is None
    vecs = enc.encode("image", images)
    assert enc.status()["status"] == "loaded"
    with torch.inference_mode():
        direct = tiny_clip["model"].encode_image(torch.stack([enc.preprocess(im) for im in images]), normalize=True)
    np.testing.assert_allclose(vecs, direct.numpy(), atol=1e-5)


def test_clip_hub_constants_match_open_clip():
    """clip.py hard-codes the hub repo (importing open_clip in availability() costs seconds)."""
    import open_clip

    from encoders.clip import DEFAULT_MODEL, HUB_FILENAMES, HUB_REPO, PRETRAINED_TAG, ClipEncoder
    from open_clip.constants import HF_SAFE_WEIGHTS_NAME, HF_WEIGHTS_NAME

    cfg = open_clip.get_pretrained_cfg(DEFAULT_MODEL, PRETRAINED_TAG)
    repo, filename = os.path.split(cfg["hf_hub"])
    assert repo == HUB_REPO
    assert filename == ""  # open_clip's default names: safetensors first, then .bin
    assert HUB_FILENAMES == (HF_SAFE_WEIGHTS_NAME, HF_WEIGHTS_NAME)
    assert ClipEncoder().hub_files() == [(HUB_REPO, HF_SAFE_WEIGHTS_NAME)]


# -- CLAP ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_clap(tmp_path_factory):
    """A saved ClapModel + ClapProcessor folder: 1-layer RoBERTa, 2-stage HTSAT on 16 mel bands, 1 s window."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import ClapConfig, ClapFeatureExtractor, ClapModel, ClapProcessor, RobertaTokenizer

    folder = tmp_path_factory.mktemp("clap")
    # CLAP's RoBERTa vocabulary is not in any package: train a tiny byte-level BPE.
    bpe = ByteLevelBPETokenizer()
    corpus = ["the sound of a dog barking", "a cat meowing", "rain falling on a tin roof",
              "a church bell ringing", "people talking in a busy cafe", "a 440 hertz tone"] * 4
    bpe.train_from_iterator(corpus, vocab_size=400, min_frequency=1,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(str(folder))
    tokenizer = RobertaTokenizer(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))
    config = ClapConfig(
        text_config=dict(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=66),
        # spec_size 64 over 16 mel bins: freq_ratio 4, up to 256 frames (a 1 s window has 101).
        audio_config=dict(num_mel_bins=16, spec_size=64, window_size=8, patch_size=4, patch_stride=[4, 4],
                          depths=[1, 1], num_attention_heads=[1, 2], patch_embeds_hidden_size=16, hidden_size=32),
        projection_dim=512,
    )
    torch.manual_seed(0)
    ClapModel(config).eval().save_pretrained(folder)
    extractor = ClapFeatureExtractor(feature_size=16, max_length_s=1, frequency_min=50, frequency_max=14000,
                                     truncation="rand_trunc", padding="repeatpad")
    ClapProcessor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    # The hub repo's older layout: preprocessor_config.json, vocab.json + merges.txt.
    hub_layout = folder / "hub-layout"
    hub_layout.mkdir()
    extractor.save_pretrained(hub_layout)
    (hub_layout / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "RobertaTokenizer"}))
    hub_files = {name: folder / name for name in ("config.json", "model.safetensors", "vocab.json", "merges.txt")}
    hub_files.update({name: hub_layout / name for name in ("preprocessor_config.json", "tokenizer_config.json")})
    return {"folder": str(folder), "hub_files": hub_files}


@pytest.fixture
def clap_encoder(tiny_clap, clean_env):
    from encoders.clap import ClapEncoder

    clean_env.setenv("EMBEDDING_LAB_CLAP_PATH", tiny_clap["folder"])
    return ClapEncoder()


def tone(seconds=1.0, sr=16_000, hz=440.0):
    t = np.arange(int(seconds * sr)) / sr
    return AudioClip((0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32), sr)


def noise(seconds=2.0, sr=44_100, seed=0):
    rng = np.random.default_rng(seed)
    return AudioClip((0.1 * rng.standard_normal(int(seconds * sr))).astype(np.float32), sr)


def test_clap_tiny_texts_and_audio_share_a_space(clap_encoder):
    enc = clap_encoder
    assert enc.availability() is None
    texts = ["a dog barking", "rain falling on a tin roof"]
    clips = [tone(1.0, 16_000), noise(2.0, 44_100)]  # the noise is longer than the 1 s window: cut
    t = enc.encode("text", texts)
    a = enc.encode("audio", clips)
    status = enc.status()
    assert status["status"] == "loaded" and status["family"] == "joint"
    assert enc.sample_rate == 48_000 and enc.truncation == "rand_trunc"
    assert_unit_rows(t, 2, 512)
    assert_unit_rows(a, 2, 512)
    np.testing.assert_array_equal(t, enc.encode("text", texts))  # deterministic
    np.testing.assert_array_equal(a, enc.encode("audio", clips))  # no random crop
    assert_batch_equals_singles(enc, "text", texts, t)
    assert_batch_equals_singles(enc, "audio", clips, a)
    assert (t @ a.T).shape == (2, 2)
    assert enc.zero_shot_scale == pytest.approx(1 / 0.07, rel=1e-5)
    assert enc.encode("audio", []).shape == (0, 512)


def test_clap_batched_audio_path_equals_single_clips(clap_encoder, monkeypatch):
    """Clips are padded/cut to one fixed window each, so a real batch gives the same vectors."""
    import encoders.clap as clap

    enc = clap_encoder
    clips = [tone(1.0, 16_000), noise(2.0, 44_100), tone(0.3, 22_050, hz=1000.0)]
    monkeypatch.setattr(clap, "AUDIO_BATCH", 8)
    batched = enc.encode("audio", clips)
    monkeypatch.setattr(clap, "AUDIO_BATCH", 1)
    singles = np.concatenate([enc.encode("audio", [c]) for c in clips])
    np.testing.assert_allclose(batched, singles, atol=1e-5)


def test_clap_long_clip_uses_its_first_window(clap_encoder):
    sr = 48_000  # the model's rate: no resampling, so the cut is exact
    long = noise(2.5, sr, seed=1)
    first = AudioClip(long.samples[:sr], sr)  # the tiny feature extractor's window is 1 s
    v_long, v_first = clap_encoder.encode("audio", [long]), clap_encoder.encode("audio", [first])
    np.testing.assert_array_equal(v_long, v_first)


def test_clap_tiny_loads_from_hf_cache(tiny_clap, clap_encoder, clean_env, tmp_path):
    """The Spaces path: the repo's files in the HF cache, hub offline; same weights -> same vectors."""
    from encoders.clap import HUB_REPO, ClapEncoder

    texts, clips = ["a dog barking"], [tone(1.0, 16_000)]
    expected_t, expected_a = clap_encoder.encode("text", texts), clap_encoder.encode("audio", clips)
    fake_hub_cache(str(tmp_path / "hf-home"), HUB_REPO, tiny_clap["hub_files"])
    clean_env.delenv("EMBEDDING_LAB_CLAP_PATH")
    clean_env.setenv("HF_HOME", str(tmp_path / "hf-home"))
    enc = ClapEncoder()
    assert enc.availability() is None
    np.testing.assert_allclose(enc.encode("text", texts), expected_t, atol=1e-6)
    np.testing.assert_allclose(enc.encode("audio", clips), expected_a, atol=1e-6)
    assert enc.status()["status"] == "loaded"


# -- no weights, hub offline --------------------------------------------------------
@pytest.fixture
def offline_empty_cache(clean_env, tmp_path):
    clean_env.setenv("HF_HOME", str(tmp_path / "hf-home"))

    def no_network(*args, **kwargs):
        raise AssertionError("a joint encoder tried to open a network connection")

    clean_env.setattr(socket.socket, "connect", no_network)
    clean_env.setattr(socket.socket, "connect_ex", no_network)
    return clean_env


@pytest.mark.parametrize("which", ["clip", "clap"])
def test_unavailable_without_weights_and_offline(offline_empty_cache, which):
    if which == "clip":
        from encoders.clip import ClipEncoder as cls
        modality, items = "text", ["a cat"]
    else:
        from encoders.clap import ClapEncoder as cls
        modality, items = "audio", [tone(0.5)]
    enc = cls()
    started = time.perf_counter()
    reason = enc.availability()
    assert isinstance(reason, str) and "offline" in reason and "EMBEDDING_LAB_" in reason
    status = enc.status()
    assert status["status"] == "unavailable" and status["reason"] == reason and status["family"] == "joint"
    with pytest.raises(EncoderUnavailable):
        enc.encode(modality, items)
    with pytest.raises(EncoderUnavailable):  # remembered, not retried
        enc.encode(modality, items)
    assert time.perf_counter() - started < 5.0


def test_missing_local_path_is_reported(clean_env, tmp_path):
    from encoders.clap import ClapEncoder
    from encoders.clip import ClipEncoder

    clean_env.setenv("EMBEDDING_LAB_CLIP_PATH", str(tmp_path / "nope.pt"))
    clean_env.setenv("EMBEDDING_LAB_CLAP_PATH", str(tmp_path / "nope"))
    assert "EMBEDDING_LAB_CLIP_PATH" in ClipEncoder().availability()
    assert "EMBEDDING_LAB_CLAP_PATH" in ClapEncoder().availability()


def test_hub_files_name_the_real_repos():
    from encoders.clap import ClapEncoder
    from encoders.clip import ClipEncoder

    assert ClipEncoder().hub_files()[0][0] == "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
    clap_files = ClapEncoder().hub_files()
    assert {repo for repo, _ in clap_files} == {"laion/clap-htsat-unfused"}
    assert {"config.json", "preprocessor_config.json"} <= {name for _, name in clap_files}
    assert math.isclose(ClipEncoder.zero_shot_scale, 100.0)
