import numpy as np

from encoders.base import l2_normalise
from space.projection import neighbour_overlap, project


def test_pca_matches_sklearn_and_is_deterministic():
    from sklearn.decomposition import PCA

    x = l2_normalise(np.random.default_rng(0).normal(size=(40, 16)))
    a = project(x, "pca", 2)
    np.testing.assert_allclose(np.abs(a), np.abs(PCA(2).fit_transform(x)), atol=1e-4)
    np.testing.assert_array_equal(a, project(x, "pca", 2))
    assert project(x, "pca", 3).shape == (40, 3)


def test_umap_fixed_seed_is_repeatable():
    x = l2_normalise(np.random.default_rng(1).normal(size=(30, 8)))
    a, b = project(x, "umap", 2), project(x, "umap", 2)
    assert a.shape == (30, 2)
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_tiny_inputs_do_not_crash():
    x = l2_normalise(np.ones((2, 5)))
    assert project(x, "umap", 3).shape == (2, 3)
    assert project(np.zeros((0, 5)), "pca", 2).shape == (0, 2)


def test_neighbour_overlap_is_exact_for_a_faithful_picture():
    # for unit vectors |a-b|^2 = 2 - 2 cos, so the vectors themselves are a faithful picture
    v = l2_normalise(np.random.default_rng(3).normal(size=(20, 6)))
    true, shown = neighbour_overlap(v, v, 0, 5)
    assert true == shown and len(true) == 5 and 0 not in true
    # a picture that reverses the order keeps none of the true neighbours
    reversed_picture = (v @ v[0])[:, None].copy()
    reversed_picture[0] = -10.0  # the least similar items now sit closest to the query
    true, shown = neighbour_overlap(v, reversed_picture, 0, 5)
    assert not (true & shown)
