"""Every registered encoder keeps the output contract (parametrised over the registry)."""
import numpy as np
import pytest

from encoders import REGISTRY, get_encoder, list_encoders
from gallery.index import decode_items
from gallery.manifest import items_of

SAMPLES = {
    "text": lambda: [it.text for it in items_of("text")[:5]],
    "image": lambda: decode_items(items_of("image")[:3]),
    "audio": lambda: decode_items(items_of("audio")[:3]),
}
CASES = [(key, m) for key in REGISTRY for m in get_encoder(key).info.modalities]


@pytest.fixture(scope="module")
def samples():
    return {m: fn() for m, fn in SAMPLES.items()}


@pytest.mark.parametrize("key,modality", CASES)
def test_contract(key, modality, samples):
    enc = get_encoder(key)
    if enc.info.family == "joint" and enc.availability():
        pytest.skip(f"{key}: real weights not here ({enc.availability()}); "
                    "tests/unit/test_joint_plumbing.py checks this code path with tiny models")
    items = samples[modality]
    vecs = enc.encode(modality, items)
    assert vecs.dtype == np.float32
    assert vecs.shape == (len(items), enc.info.dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    again = enc.encode(modality, items)
    np.testing.assert_array_equal(vecs, again)  # deterministic
    singles = np.concatenate([enc.encode(modality, [x]) for x in items])
    np.testing.assert_allclose(vecs, singles, atol=1e-5)  # batch == one at a time
    assert enc.status()["status"] == "loaded"


@pytest.mark.parametrize("key", list(REGISTRY))
def test_empty_batch_gives_empty_matrix(key):
    enc = get_encoder(key)  # no weights needed: an empty batch never loads the model
    out = enc.encode(enc.info.modalities[0], [])
    assert out.shape == (0, enc.info.dim)


def test_list_encoders_metadata():
    rows = list_encoders()
    assert [r["key"] for r in rows] == list(REGISTRY)
    for r in rows:
        assert r["status"] in {"loaded", "available", "unavailable"}
        assert r["dim"] > 0 and r["licence"] and r["source"] and r["modalities"]
