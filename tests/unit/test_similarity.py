import numpy as np

from encoders.base import l2_normalise
from space.similarity import cosine_matrix, search, top_k


def test_cosine_matrix_symmetric_unit_diagonal():
    rng = np.random.default_rng(0)
    v = l2_normalise(rng.normal(size=(6, 32)))
    m = cosine_matrix(v)
    assert m.shape == (6, 6)
    assert np.allclose(m, m.T)
    assert np.all(np.diag(m) == 1.0)
    assert m.max() <= 1.0 and m.min() >= -1.0
    # equals sklearn's cosine_similarity (reference implementation)
    from sklearn.metrics.pairwise import cosine_similarity
    np.testing.assert_allclose(m, cosine_similarity(v), atol=1e-6)


def test_top_k_matches_full_sort_and_breaks_ties_by_index():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(4, 50)).astype(np.float32)
    idx, vals = top_k(scores, 7)
    ref = np.argsort(-scores, axis=1, kind="stable")[:, :7]
    np.testing.assert_array_equal(idx, ref)
    np.testing.assert_allclose(vals, np.take_along_axis(scores, ref, 1))
    tie = np.array([[0.5, 0.9, 0.9, 0.1]], dtype=np.float32)
    assert top_k(tie, 2)[0].tolist() == [[1, 2]]


def test_top_k_with_k_larger_than_items_and_zero():
    scores = np.array([[0.1, 0.3, 0.2]], dtype=np.float32)
    assert top_k(scores, 10)[0].tolist() == [[1, 2, 0]]
    assert top_k(scores, 0)[0].shape == (1, 0)


def test_search_finds_itself_first():
    rng = np.random.default_rng(2)
    items = l2_normalise(rng.normal(size=(100, 16)))
    idx, vals = search(items[[5, 42]], items, 3)
    assert idx[:, 0].tolist() == [5, 42]
    np.testing.assert_allclose(vals[:, 0], 1.0, atol=1e-6)


def test_l2_normalise_rows_and_zero_rows():
    x = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert x.dtype == np.float32
    np.testing.assert_allclose(x[0], [0.6, 0.8])
    np.testing.assert_array_equal(x[1], [0.0, 0.0])
