"""Parity: the size lesson's recall@10 after cutting and quantising equals a direct computation on a small set."""
import numpy as np
import pytest

from lessons.size import compute
from lessons.vector_sets import VectorSet
from media.errors import InputError
from space import stats


def top10(scores: np.ndarray) -> np.ndarray:
    """Reference top 10 of each row of a square score matrix, the row itself left out, ties to the lower index."""
    s = np.array(scores, dtype=np.float64)
    np.fill_diagonal(s, -np.inf)
    return np.argsort(-s, axis=1, kind="stable")[:, :10]


def recall(found: np.ndarray, truth: np.ndarray, rows: np.ndarray) -> float:
    return float(np.mean([len(set(found[r]) & set(truth[r])) / 10 for r in rows]))


@pytest.fixture(scope="module")
def small():
    """300 vectors in 24-d with a few strong directions and a shared offset (like real embeddings)."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 24)) * np.linspace(3.0, 0.3, 24) + 0.8
    vset = VectorSet("test", "test", x.astype(np.float32), [str(i) for i in range(300)], "upload")
    return x, compute.prepare(vset)


def reference(x: np.ndarray, method: str, dims: int, kind: str) -> np.ndarray:
    """Cut, store and rank, written out with plain numpy and scikit-learn: the neighbours of every row."""
    from sklearn.decomposition import PCA

    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    if method == "pca":
        v = u @ PCA(n_components=u.shape[1]).fit(u).components_.T[:, :dims]
    else:
        v = u[:, :dims]
    v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    if kind == "float16":
        v = v.astype(np.float16).astype(np.float32)
    elif kind == "int8":
        lo, hi = v.min(axis=0), v.max(axis=0)
        codes = np.clip(np.round((v - lo) / (hi - lo) * 255), 0, 255)
        v = (codes / 255 * (hi - lo) + lo).astype(np.float32)
    if kind == "binary":
        bits = v > v.mean(axis=0)
        return top10(-(bits[:, None, :] != bits[None, :, :]).sum(axis=2))
    return top10(v.astype(np.float64) @ v.astype(np.float64).T)


@pytest.mark.parametrize("method", ["prefix", "pca"])
@pytest.mark.parametrize("dims", [4, 12, 24])
@pytest.mark.parametrize("kind", stats.QUANTISATIONS)
def test_cut_and_quantised_recall_equal_a_direct_computation(small, method, dims, kind):
    x, p = small
    truth = reference(x, "prefix", 24, "float32")
    np.testing.assert_array_equal(p.truth, truth[p.queries])
    want = recall(reference(x, method, dims, kind), truth, p.queries)
    assert compute.recall(p, method, dims, kind) == pytest.approx(want, abs=1e-12)


def test_full_float32_keeps_everything_and_bytes_are_counted(small):
    _, p = small
    assert compute.recall(p, "prefix", 24, "float32") == 1.0
    assert [stats.bytes_per_vector(k, 50) for k in stats.QUANTISATIONS] == [200, 100, 50, 7]
    out = compute.size(vectors="glove-20k", dims=32)
    for row in out["quantisation"] + out["at_dims"]["rows"]:
        assert row["memory_1m_bytes"] == row["bytes_per_vector"] * 1_000_000
    assert out["dims"][-1] == 50 and out["prefix_recall"][-1] == 1.0 and out["pca_recall"][-1] == pytest.approx(1.0)


def test_glove_was_not_trained_to_be_cut():
    """The page's claims on GloVe: a cut to 32 loses many neighbours, a PCA rotation first loses fewer, int8 little."""
    out = compute.size(vectors="glove", dims=32)
    at = {r["kind"]: r for r in out["at_dims"]["rows"]}
    assert out["n"] == compute.MAX_ROWS and out["n_total"] == 400_000 and out["queries"] == compute.QUERIES
    assert at["float32"]["prefix_recall"] < 0.7 and at["float32"]["pca_recall"] > at["float32"]["prefix_recall"]
    full = {r["kind"]: r["recall_at_10"] for r in out["quantisation"]}
    assert full["int8"] > 0.9 and full["float16"] > 0.98


def test_dims_grid():
    assert compute.dims_grid(50) == [1, 2, 4, 8, 12, 16, 24, 32, 48, 50]
    assert compute.dims_grid(384) == [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384]


@pytest.mark.parametrize("dims", [0, 51])
def test_bad_dims_get_a_clear_message(dims):
    with pytest.raises(InputError, match="between 1 and 50"):
        compute.size(vectors="glove-20k", dims=dims)
