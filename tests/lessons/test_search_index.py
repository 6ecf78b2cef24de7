"""The search-index lesson: recall@10 is computed against exact search (never assumed); indexes are built once.

Only small sets here (the 20,000 most frequent GloVe words, synthetic sets): the 400,000-word indexes take
about a minute to build and belong to ``bench/search.py``.
"""
import os

import numpy as np
import pytest

from lessons.search_index import compute
from media.errors import InputError
from space import ann


def brute_force_top10(base: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Reference: every cosine in float64, a full stable sort, the query's own row left out."""
    b = base.astype(np.float64)
    out = []
    for r in rows:
        s = b @ b[r]
        s[r] = -np.inf
        out.append(np.argsort(-s, kind="stable")[:10])
    return np.array(out)


def recall_of(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))


@pytest.fixture(scope="module")
def glove20k():
    return compute.prepared("glove-20k")


def test_hnsw_recall_equals_hnswlib_results_scored_against_brute_force(glove20k):
    out = compute.ann_search(index="hnsw", ef=16, queries="200", vectors="glove-20k")
    rows = np.sort(np.random.default_rng(0).choice(glove20k.n, 200, replace=False))
    index = glove20k.built["hnsw"].index
    index.set_ef(16)
    labels, _ = index.knn_query(glove20k.base[rows], k=11)  # the library itself
    found = [[int(x) for x in row if x != r][:10] for row, r in zip(labels, rows)]
    want = recall_of(np.array(found), brute_force_top10(glove20k.base, rows))
    assert out["recall_at_10"] == pytest.approx(want, abs=0.002)  # ties aside, the same
    assert out["recall_at_10"] < 1.0 and out["queries"] == 200 and out["params"] == {"ef": 16}


def test_ivf_recall_equals_faiss_results_scored_against_brute_force(glove20k):
    out = compute.ann_search(index="ivf", nprobe=2, queries="king, frog, paris, guitar, river", vectors="glove-20k")
    rows = np.array(sorted(glove20k.row_of(w) for w in ["king", "frog", "paris", "guitar", "river"]))
    index = glove20k.built["ivf"].index
    index.nprobe = 2
    _, labels = index.search(glove20k.base[rows], 11)
    found = [[int(x) for x in row if x != r][:10] for row, r in zip(labels, rows)]
    assert out["recall_at_10"] == pytest.approx(recall_of(np.array(found), brute_force_top10(glove20k.base, rows)))
    assert out["queries"] == 5 and out["params"] == {"nprobe": 2}


def test_more_effort_finds_more_and_exact_finds_all(glove20k):
    low = compute.ann_search(index="hnsw", ef=10, vectors="glove-20k")
    high = compute.ann_search(index="hnsw", ef=256, vectors="glove-20k")
    exact = compute.ann_search(index="exact", vectors="glove-20k")
    assert low["recall_at_10"] < high["recall_at_10"] and exact["recall_at_10"] == 1.0
    assert exact["qps"] == exact["exact_qps"] > 0 and exact["bytes"] == glove20k.base.nbytes
    hnsw = compute.ann_search(index="hnsw", ef=10, vectors="glove-20k")
    assert hnsw == low, "each setting is measured once, then remembered"


def synthetic_state(seed: int = 0, n: int = 3_000, d: int = 16) -> compute.Prepared:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, d)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    built = {"exact": compute._exact(base),
             "hnsw": compute.Built("hnsw", ann.build_hnsw(base, compute.HNSW), 0.0, 0, {}),
             "ivf": compute.Built("ivf", ann.build_ivf(base, ann.ivf_config(n)), 0.0, 0, {"nlist": ann.ivf_config(n).nlist})}
    return compute.Prepared("synthetic", "synthetic", [str(i) for i in range(n)], base, lambda t: int(t), built)


def test_recall_is_measured_not_assumed_even_for_exact_search():
    """An 'exact' index over shuffled ids returns wrong rows: the lesson must report it, not print 1.0."""
    import faiss

    state = synthetic_state()
    rows, key, _ = compute.query_rows(state, "100")
    assert compute.measure(state, "exact", 0, rows, key).recall == 1.0
    broken = faiss.IndexIDMap(faiss.IndexFlatIP(state.base.shape[1]))
    broken.add_with_ids(state.base, np.random.default_rng(1).permutation(state.n).astype(np.int64))
    state.built["exact"] = compute.Built("exact", broken, 0.0, 0, {})
    state.points.clear()
    assert compute.measure(state, "exact", 0, rows, key).recall < 0.05


def test_indexes_are_built_once_and_saved_without_pickle(glove20k, tmp_path):
    assert compute.prepared("glove-20k") is glove20k
    state = synthetic_state(seed=2, n=2_000)
    key = ann.cache_key("hnsw", ann.data_digest(state.base), compute.HNSW)
    path = ann.save(state.built["hnsw"].index, "hnsw", str(tmp_path), "t", key, {"build_seconds": 1.5})
    loaded = ann.load("hnsw", str(tmp_path), "t", key, 16, 2_000)
    assert loaded is not None and loaded[1]["build_seconds"] == 1.5
    q = state.base[:5]
    np.testing.assert_array_equal(loaded[0].knn_query(q, k=5)[0], state.built["hnsw"].index.knn_query(q, k=5)[0])
    assert ann.load("hnsw", str(tmp_path), "t", "another key", 16, 2_000) is None
    with open(path, "r+b") as fh:  # one flipped byte: the sha256 no longer matches, the file is not loaded
        fh.seek(os.path.getsize(path) // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert ann.load("hnsw", str(tmp_path), "t", key, 16, 2_000) is None


def test_ivf_saved_and_loaded(tmp_path):
    state = synthetic_state(seed=3, n=2_000)
    config = ann.ivf_config(2_000)
    key = ann.cache_key("ivf", ann.data_digest(state.base), config)
    ann.save(state.built["ivf"].index, "ivf", str(tmp_path), "i", key, {})
    index, _ = ann.load("ivf", str(tmp_path), "i", key, 16, 2_000)
    index.nprobe = 4
    state.built["ivf"].index.nprobe = 4
    np.testing.assert_array_equal(index.search(state.base[:5], 5)[1], state.built["ivf"].index.search(state.base[:5], 5)[1])


@pytest.mark.parametrize("kwargs,message", [
    ({"index": "lsh"}, "Unknown index"), ({"ef": 5}, "ef must be"), ({"index": "ivf", "nprobe": 100_000}, "cells"),
    ({"queries": "5000"}, "1 to 1,000"), ({"queries": "king, zzqqxxy"}, "not a word"), ({"vectors": "glove-7"}, "no vector set"),
])
def test_bad_parameters_get_clear_messages(kwargs, message):
    with pytest.raises(InputError, match=message):
        compute.ann_search(**{"vectors": "glove-20k", **kwargs})
