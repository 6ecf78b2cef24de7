"""Gallery vectors are cached on disk (safetensors) and rebuilt when stale or corrupt."""
import glob
import os

import numpy as np
import pytest

from gallery import cache


@pytest.fixture
def calls():
    return []


def _builder(calls, value=None):
    def build():
        calls.append(1)
        v = np.eye(3, 4, dtype=np.float32) if value is None else value
        return v
    return build


def test_second_load_comes_from_disk(tmp_path, calls):
    ids = ["a", "b", "c"]
    v1, how1 = cache.load_or_build("enc-text", "d" * 64, ids, 4, _builder(calls), str(tmp_path))
    v2, how2 = cache.load_or_build("enc-text", "d" * 64, ids, 4, _builder(calls), str(tmp_path))
    assert (how1, how2) == ("built", "cache") and len(calls) == 1
    np.testing.assert_array_equal(v1, v2)
    files = glob.glob(str(tmp_path / "*.safetensors"))
    assert len(files) == 1
    with open(files[0], "rb") as fh:
        assert b"pickle" not in fh.read(200)


def test_changed_content_gives_new_key(tmp_path, calls):
    ids = ["a", "b", "c"]
    cache.load_or_build("enc-text", "1" * 64, ids, 4, _builder(calls), str(tmp_path))
    _, how = cache.load_or_build("enc-text", "2" * 64, ids, 4, _builder(calls), str(tmp_path))
    assert how == "built" and len(calls) == 2


def test_corrupt_file_is_rebuilt(tmp_path, calls):
    ids = ["a", "b", "c"]
    cache.load_or_build("enc-text", "e" * 64, ids, 4, _builder(calls), str(tmp_path))
    (path,) = glob.glob(str(tmp_path / "*.safetensors"))
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) // 2)
    v, how = cache.load_or_build("enc-text", "e" * 64, ids, 4, _builder(calls), str(tmp_path))
    assert how == "built" and len(calls) == 2 and v.shape == (3, 4)


def test_stale_ids_or_non_unit_rows_are_rebuilt(tmp_path, calls):
    cache.load_or_build("enc-text", "f" * 64, ["a", "b", "c"], 4, _builder(calls), str(tmp_path))
    _, how = cache.load_or_build("enc-text", "f" * 64, ["a", "b", "x"], 4, _builder(calls), str(tmp_path))
    assert how == "built"
    bad = np.full((3, 4), 3.0, dtype=np.float32)
    cache.load_or_build("enc-img", "g" * 64, ["a", "b", "c"], 4, _builder(calls, bad), str(tmp_path))
    _, how = cache.load_or_build("enc-img", "g" * 64, ["a", "b", "c"], 4, _builder(calls), str(tmp_path))
    assert how == "built"


def test_real_gallery_vectors_match_fresh_encoding(tmp_path):
    from encoders import get_encoder
    from gallery.index import gallery_vectors
    from gallery.manifest import items_of

    items, vecs = gallery_vectors("minilm", "text", cache_dir=str(tmp_path))
    assert len(items) == len(items_of("text")) and vecs.shape == (len(items), 384)
    fresh = get_encoder("minilm").encode("text", [it.text for it in items])
    np.testing.assert_allclose(vecs, fresh, atol=1e-5)
