"""Parity: the metrics lesson's rankings equal a direct numpy computation; after normalising all three agree."""
import os

import numpy as np
import pytest

from lessons.metrics import compute
from lessons.metrics.examples import EXAMPLES, QUERIES
from lessons.vector_sets import VectorSet, load_set, read_npy, read_table, read_upload
from media.errors import InputError
from space import stats


def direct(x: np.ndarray, row: int, metric: str, k: int) -> list[int]:
    """The reference: every score from its definition in float64, a full stable sort, the query left out."""
    x = np.asarray(x, dtype=np.float64)
    q = x[row]
    if metric == "cosine":
        s = (x @ q) / (np.linalg.norm(x, axis=1) * np.linalg.norm(q))
    elif metric == "dot":
        s = x @ q
    else:
        s = -np.sqrt(((x - q) ** 2).sum(axis=1))
    order = [i for i in np.argsort(-s, kind="stable") if i != row]
    return order[:k]


@pytest.fixture(scope="module")
def spiky():
    """Random directions with lengths spread over two orders of magnitude, plus an exact duplicate row."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 12)) * np.exp(rng.normal(scale=1.2, size=(400, 1)))
    x[17] = x[5]
    return x.astype(np.float32)


@pytest.mark.parametrize("row", [0, 5, 17, 123, 399])
def test_rankings_equal_direct_numpy_on_vectors_of_different_lengths(spiky, row):
    vset = VectorSet("upload", "test", spiky, [f"row {i}" for i in range(len(spiky))], "upload")
    p = compute.prepared(vset)
    norms, unit = p.norms, p.unit
    np.testing.assert_allclose(norms, np.linalg.norm(spiky.astype(np.float64), axis=1), rtol=1e-6)
    for rankings, x in ((compute.rank(spiky, row, 15, norms), spiky), (compute.rank(unit, row, 15), unit)):
        for r in rankings:
            assert r.rows == direct(x, row, r.metric, 15), r.metric
            ref = {"cosine": lambda v: v @ x[row] / np.linalg.norm(v) / np.linalg.norm(x[row]),
                   "dot": lambda v: v @ x[row], "l2": lambda v: np.linalg.norm(v - x[row])}[r.metric]
            np.testing.assert_allclose(r.values, [ref(x[i].astype(np.float64)) for i in r.rows], rtol=1e-5)


@pytest.mark.parametrize("query", [12260, 691, 1035, 0, 19999])
def test_glove_rankings_through_the_endpoint_equal_direct_numpy(query):
    out = compute.metrics(vectors="glove-20k", query=query, k=10)
    raw = load_set("glove-20k").vectors
    unit = raw / np.linalg.norm(raw.astype(np.float64), axis=1, keepdims=True)
    for metric in stats.METRICS:
        assert out["rankings"][metric] == direct(raw, query, metric, 10), metric
        assert out["normalised"][metric] == direct(unit, query, metric, 10), metric


def test_fast_nearest_equals_the_definition_on_all_400k_words():
    vset = load_set("glove")
    p = compute.prepared(vset)
    for row in (12260, 399_999):
        for x, n in ((vset.vectors, p.norms), (p.unit, p.unit_norms)):
            for metric in stats.METRICS:
                scores = stats.scores_for(x, x[row], metric)
                assert stats.nearest(x, row, metric, 10, n).tolist() == stats.best_first(scores, 10, row).tolist()


@pytest.mark.parametrize("query", [12260, 691, 5, 250_000])
def test_after_normalising_cosine_dot_and_l2_agree(query):
    out = compute.metrics(vectors="glove", query=query, k=20)
    n = out["normalised"]
    assert n["cosine"] == n["dot"] == n["l2"] and out["agree_normalised"]
    assert out["rankings"]["cosine"] == n["cosine"]  # cosine ignores length: the same before and after


def test_frog_example_teaches_what_its_label_says():
    """'dot product prefers long vectors': the dot list differs, and its extra words are longer than the cosine list's."""
    result = compute.compare("glove", None, 12260, 10)
    cos, dot, l2 = result.raw
    assert result.vset.labels[12260] == "frog" and not result.agree_raw
    extra = [r for r in dot.rows if r not in cos.rows]
    assert len(extra) >= 5 and result.norms[extra].mean() > result.norms[cos.rows].mean()


def test_examples_rows_are_the_words_the_page_shows():
    glove = load_set("glove")
    for example, word in zip(EXAMPLES, QUERIES):
        if word:
            assert glove.labels[example["query"]] == word


def test_pairwise_cosines_and_centring_equal_a_direct_computation():
    vset = load_set("glove-20k")
    p = compute.pairwise(vset, sample=300)
    rows = np.sort(np.random.default_rng(0).choice(vset.n, 300, replace=False))
    x = vset.vectors[rows].astype(np.float64)
    for data, mean, counts in ((x, p.mean_raw, p.counts_raw),
                               (x - vset.vectors.astype(np.float64).mean(axis=0), p.mean_centred, p.counts_centred)):
        u = data / np.linalg.norm(data, axis=1, keepdims=True)
        sims = (u @ u.T)[np.triu_indices(300, 1)]
        assert p.pairs == len(sims) == 300 * 299 // 2
        np.testing.assert_allclose(mean, sims.mean(), rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(counts, np.histogram(sims, compute.COSINE_BINS)[0])
    assert abs(p.mean_centred) < abs(p.mean_raw)


def test_efficientnet_features_before_normalising_differ_in_length_and_are_never_negative():
    vset = load_set("efficientnet-raw")
    norms = np.linalg.norm(vset.vectors, axis=1)
    assert vset.dim == 1280 and norms.max() / norms.min() > 1.3
    assert vset.vectors.min() >= 0.0  # ReLU6 before pooling (the collapse lesson's example label says so)


# -- uploads -------------------------------------------------------------------------------------------------
def test_npy_and_csv_uploads_are_read(tmp_path):
    x = np.arange(12, dtype=np.float64).reshape(4, 3) / 7
    np.save(tmp_path / "v.npy", x)
    np.testing.assert_allclose(read_npy(str(tmp_path / "v.npy")), x.astype(np.float32))
    (tmp_path / "v.csv").write_text("name,a,b,c\n" + "\n".join(f"w{i}," + ",".join(map(str, r)) for i, r in enumerate(x)))
    vectors, labels = read_table(str(tmp_path / "v.csv"))
    np.testing.assert_allclose(vectors, x.astype(np.float32), rtol=1e-6)
    assert labels == ["w0", "w1", "w2", "w3"]
    assert read_upload(str(tmp_path / "v.npy")).labels[0] == "row 0"


def _header_only(path: str, shape: tuple) -> None:
    """A .npy header that claims a huge array, with no data: the limits must refuse it before reading."""
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, {"descr": "<f4", "fortran_order": False, "shape": shape})


@pytest.mark.parametrize("make,message", [
    (lambda p: np.save(p, np.array([{"a": 1}] * 5, dtype=object), allow_pickle=True), "holds object"),
    (lambda p: np.save(p, np.zeros((5, 3, 2))), "2-D array"),
    (lambda p: np.save(p, np.array([[1.0, np.nan, 2]] * 4)), "NaN"),
    (lambda p: np.save(p, np.zeros((2, 3))), "at least"),
    (lambda p: _header_only(p, (9_000_000, 4_097)), "limit"),
    (lambda p: open(p, "wb").write(b"not a numpy file at all"), "not a NumPy"),
])
def test_bad_npy_uploads_get_clear_messages(tmp_path, make, message):
    path = str(tmp_path / "bad.npy")
    make(path)
    with pytest.raises(InputError, match=message):
        read_upload(path)


@pytest.mark.parametrize("text,message", [
    ("1,2,3\n4,5\n6,7,8\n", "same count"),
    ("1,2\n3,x\n5,6\n", "not a row of numbers"),
    ("1,2\n3,inf\n5,6\n", "infinite"),
])
def test_bad_csv_uploads_get_clear_messages(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_upload(str(path))


def test_files_that_were_not_uploaded_are_refused():
    with pytest.raises(InputError, match="was not uploaded"):
        compute.metrics(file={"path": os.path.abspath(__file__)})


@pytest.mark.parametrize("kwargs,message", [
    ({"vectors": "nope"}, "no vector set"), ({"query": 400_000}, "does not exist"), ({"k": 0}, "between 1"),
    ({"vectors": "glove-20k", "query": -1}, "does not exist"),
])
def test_bad_parameters_get_clear_messages(kwargs, message):
    with pytest.raises(InputError, match=message):
        compute.metrics(**kwargs)
