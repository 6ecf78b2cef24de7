"""Issue 8, finding 8 (cache trust) and issue 7, item 4 (cache keyed by model identity)."""
import glob
import json
import os

import numpy as np
import pytest

from gallery import cache

IDS = ["a", "b", "c"]


def _vectors():
    v = np.eye(3, 4, dtype=np.float32)
    v[2] = [0.6, 0.8, 0.0, 0.0]
    return v


def _build(calls):
    def build():
        calls.append(1)
        return _vectors()
    return build


def _rewrite(path, vectors, meta):
    from safetensors.numpy import save_file

    save_file({"vectors": np.ascontiguousarray(vectors)}, path, metadata=meta)


def _meta(path):
    from safetensors import safe_open

    with safe_open(path, framework="np") as fh:
        return dict(fh.metadata())


def test_tampered_but_well_formed_cache_is_rebuilt(tmp_path):
    """Rows swapped, everything else as written: a gallery sentence would get another's vector (score 1.0)."""
    calls = []
    cache.load_or_build("enc-text", "d" * 64, IDS, 4, _build(calls), str(tmp_path))
    (path,) = glob.glob(str(tmp_path / "*.safetensors"))
    meta = _meta(path)
    _rewrite(path, _vectors()[[1, 0, 2]], meta)  # same ids, digest and shape; rows 0 and 1 swapped
    vectors, how = cache.load_or_build("enc-text", "d" * 64, IDS, 4, _build(calls), str(tmp_path))
    assert how == "built" and len(calls) == 2
    np.testing.assert_array_equal(vectors, _vectors())
    assert cache.load_or_build("enc-text", "d" * 64, IDS, 4, _build(calls), str(tmp_path))[1] == "cache"


def test_forged_checksum_is_caught_by_the_spot_check(tmp_path):
    """Rows swapped *and* the checksum recomputed: re-encoding a few rows at random catches it."""
    calls = []
    cache.load_or_build("enc-text", "e" * 64, IDS, 4, _build(calls), str(tmp_path))
    (path,) = glob.glob(str(tmp_path / "*.safetensors"))
    meta = _meta(path)
    forged = _vectors()[[1, 2, 0]]  # every row differs from the truth
    meta["sha256"] = cache.checksum(meta["digest"], json.loads(meta["ids"]), forged)
    _rewrite(path, forged, meta)
    truth = _vectors()
    verify = lambda rows: truth[rows]  # noqa: E731 - "encode these rows afresh"
    for _ in range(5):  # whichever rows are drawn, they differ
        vectors, how = cache.load_or_build("enc-text", "e" * 64, IDS, 4, _build(calls), str(tmp_path), verify=verify)
        np.testing.assert_array_equal(vectors, truth)
        _rewrite(path, forged, meta)
    assert how == "built"
    os.remove(path)
    cache.load_or_build("enc-text", "e" * 64, IDS, 4, _build(calls), str(tmp_path), verify=verify)
    assert cache.load_or_build("enc-text", "e" * 64, IDS, 4, _build(calls), str(tmp_path),
                               verify=verify)[1] == "cache"  # an honest file passes the spot check


def test_flipped_byte_fails_the_checksum(tmp_path):
    calls = []
    cache.load_or_build("enc-text", "f" * 64, IDS, 4, _build(calls), str(tmp_path))
    (path,) = glob.glob(str(tmp_path / "*.safetensors"))
    data = bytearray(open(path, "rb").read())
    data[-5] ^= 0x01  # inside the last vector: still finite, still (nearly) unit length
    open(path, "wb").write(bytes(data))
    _, how = cache.load_or_build("enc-text", "f" * 64, IDS, 4, _build(calls), str(tmp_path))
    assert how == "built"


def test_fifo_at_the_cache_path_does_not_hang(tmp_path):
    """Before: opening the FIFO blocked inside safetensors (holding the GIL: the whole process hung).
    Run in a child process so that a regression fails the test instead of hanging the run."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = os.path.join(str(tmp_path), f"enc-text-{'a' * 20}.safetensors")
    os.mkfifo(path)
    code = (f"import sys, numpy as np; sys.path.insert(0, {ROOT!r}); from gallery import cache; "
            f"v, how = cache.load_or_build('enc-text', 'a' * 64, ['a', 'b', 'c'], 4, "
            f"lambda: np.eye(3, 4, dtype=np.float32), {str(tmp_path)!r}); print(how)")
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("load_or_build blocked on a FIFO at the cache path")
    assert proc.stdout.strip() == "built", proc.stderr[-2000:]
    assert os.path.isfile(path) and not os.path.islink(path)  # replaced by a real file


def test_symlink_at_the_cache_path_is_not_followed(tmp_path):
    calls = []
    target = tmp_path / "elsewhere.safetensors"
    cache.load_or_build("enc-text", "b" * 64, IDS, 4, _build(calls), str(tmp_path / "real"))
    (real,) = glob.glob(str(tmp_path / "real" / "*.safetensors"))
    os.replace(real, target)
    os.makedirs(tmp_path / "links")
    os.symlink(target, tmp_path / "links" / os.path.basename(real))
    _, how = cache.load_or_build("enc-text", "b" * 64, IDS, 4, _build(calls), str(tmp_path / "links"))
    assert how == "built"


def test_bundled_encoders_have_distinct_stable_identities():
    from encoders import get_encoder

    keys = ["minilm", "glove", "efficientnet", "yamnet", "bridge"]
    ids = {k: get_encoder(k).weights_identity() for k in keys}
    assert len(set(ids.values())) == len(keys)
    assert all(get_encoder(k).weights_identity() == ids[k] for k in keys)  # stable
    assert "files=" in ids["minilm"] and "transformers=" in ids["minilm"] and "code=" in ids["minilm"]
    assert ids["minilm"] in ids["bridge"]  # the bridge depends on its parts


# -- issue 7.4: two checkpoints of the same shape must not share cached gallery vectors ------------
@pytest.fixture
def two_tiny_clips(tmp_path, monkeypatch):
    import open_clip
    import torch

    from tests.unit.test_joint_plumbing import TINY_CLIP_CFG, TINY_CLIP_NAME

    cfg = tmp_path / f"{TINY_CLIP_NAME}.json"
    cfg.write_text(json.dumps(TINY_CLIP_CFG))
    open_clip.add_model_config(str(cfg))
    paths = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        model = open_clip.create_model(TINY_CLIP_NAME).eval()
        paths.append(tmp_path / f"clip_seed{seed}.pt")
        torch.save(model.state_dict(), paths[-1])
    for var in ("EMBEDDING_LAB_CLIP_PATH", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("EMBEDDING_LAB_CLIP_MODEL", str(cfg))
    return [str(p) for p in paths]


def test_two_checkpoints_of_the_same_shape_get_their_own_gallery_vectors(two_tiny_clips, tmp_path, monkeypatch):
    import encoders
    from encoders.clip import ClipEncoder
    from gallery.index import gallery_vectors

    cache_dir = str(tmp_path / "cache")
    got = []
    for path in two_tiny_clips:
        monkeypatch.setenv("EMBEDDING_LAB_CLIP_PATH", path)
        enc = ClipEncoder()  # what a restart with --clip-path <other file> gives
        monkeypatch.setitem(encoders._instances, "clip", enc)
        items, vectors = gallery_vectors("clip", "text", cache_dir=cache_dir)
        fresh = enc.encode("text", [it.text for it in items])
        np.testing.assert_allclose(vectors, fresh, atol=1e-5)  # this checkpoint's vectors, not the other's
        got.append(vectors)
    assert got[0].shape == got[1].shape
    assert not np.allclose(got[0], got[1], atol=1e-3)
    assert len(glob.glob(os.path.join(cache_dir, "clip-text-*.safetensors"))) == 2
