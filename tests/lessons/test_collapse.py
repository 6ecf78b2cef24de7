"""Parity: the collapse monitor's effective rank, spectrum and mean cosine equal their formulas."""
import numpy as np
import pytest

from lessons.collapse import compute
from media.errors import InputError
from space import stats


def with_singular_values(s: np.ndarray, n: int, d: int, seed: int = 0) -> np.ndarray:
    """U diag(s) V^T with random orthonormal U [n, r] and V [d, r]: a matrix whose singular values are ``s``."""
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.normal(size=(n, len(s))))
    v, _ = np.linalg.qr(rng.normal(size=(d, len(s))))
    return (u * s) @ v.T


@pytest.mark.parametrize("n,d", [(300, 40), (60_000, 40)])  # LAPACK SVD, and the Gram path (> 2M entries)
def test_effective_rank_of_known_singular_values_equals_the_formula(n, d):
    s = np.array([10.0, 7.0, 5.0, 3.0, 2.0, 1.0, 0.5, 0.25])
    x = with_singular_values(s, n, d)
    h = compute.health(x.astype(np.float64))
    np.testing.assert_allclose(h.singular_values[:8], s, rtol=1e-4)
    assert np.all(h.singular_values[8:] < 1e-3)
    p = s / s.sum()
    assert h.effective_rank == pytest.approx(np.exp(-(p * np.log(p)).sum()), rel=1e-4)


def test_effective_rank_extremes():
    assert stats.effective_rank(np.ones(50)) == pytest.approx(50.0)
    assert stats.effective_rank(np.array([3.0, 0.0, 0.0])) == pytest.approx(1.0)


def test_mean_cosine_is_the_mean_over_distinct_pairs():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 8)) + 0.7
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    sims = u @ u.T
    want = (sims.sum() - np.trace(sims)) / (200 * 199)
    assert stats.mean_pairwise_cosine(x) == pytest.approx(want, rel=1e-6)
    np.testing.assert_allclose(stats.dimension_spread(x), x.std(axis=0), rtol=1e-6)


def test_api_on_glove_and_collapse_by_projection():
    out = compute.collapse(vectors="glove", action="project", k=2)
    assert out["n"] == 400_000 and out["dim"] == 50 and len(out["singular_values"]) == 50
    assert 40 < out["effective_rank"] < 50 and 0.05 < out["mean_cosine"] < 0.2
    c = out["collapsed"]
    assert c["rows"] == compute.PROJECT_ROWS and c["after"]["effective_rank"] <= 2.0 + 1e-6
    assert c["after"]["mean_cosine"] > c["before"]["mean_cosine"]
    assert max(c["after"]["singular_values"][2:]) < 1e-3 * c["after"]["singular_values"][0]


def test_training_without_negatives_collapses_and_with_negatives_does_not():
    off = compute.collapse(vectors="glove-20k", action="no-negatives", steps=100)["collapsed"]
    on = compute.collapse(vectors="glove-20k", action="with-negatives", steps=100)["collapsed"]
    assert off["after"]["effective_rank"] < 0.5 * off["before"]["effective_rank"]
    assert off["after"]["mean_cosine"] > 0.8
    assert on["after"]["effective_rank"] > 0.8 * on["before"]["effective_rank"]
    assert on["after"]["mean_cosine"] < 0.2
    assert [h["step"] for h in off["history"]] == list(range(0, 101, compute.RECORD_EVERY))


def test_training_is_deterministic():
    a = compute.collapse(vectors="glove-20k", action="with-negatives", steps=20)
    b = compute.collapse(vectors="glove-20k", action="with-negatives", steps=20)
    assert a == b


@pytest.mark.parametrize("kwargs,message", [
    ({"action": "melt"}, "Unknown action"), ({"action": "project", "k": 0}, "between 1 and 50"),
    ({"action": "no-negatives", "steps": 5000}, "steps must be"),
])
def test_bad_parameters_get_clear_messages(kwargs, message):
    with pytest.raises(InputError, match=message):
        compute.collapse(vectors="glove-20k", **kwargs)


@pytest.mark.parametrize("negatives", [False, True])
def test_numpy_gradients_and_adam_equal_torch_autograd(negatives):
    """The training run's hand-written gradients and Adam step, against torch autograd and torch.optim.Adam."""
    import torch

    from lessons.collapse.train import Adam, Linear, loss_and_grads

    rng = np.random.default_rng(4)
    d, batch = 7, 12
    layer = Linear(np.eye(d) + 0.1 * rng.normal(size=(d, d)), 0.1 * rng.normal(size=d))
    a, b = rng.normal(size=(batch, d)), rng.normal(size=(batch, d))
    loss, g_w, g_b = loss_and_grads(layer, a, b, negatives, 0.1)

    w = torch.tensor(layer.weight, requires_grad=True)
    bias = torch.tensor(layer.bias, requires_grad=True)
    za = torch.nn.functional.normalize(torch.tensor(a) @ w.T + bias, dim=1)
    zb = torch.nn.functional.normalize(torch.tensor(b) @ w.T + bias, dim=1)
    if negatives:
        ref = torch.nn.functional.cross_entropy(za @ zb.T / 0.1, torch.arange(batch))
    else:
        ref = -(za * zb).sum(dim=1).mean()
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-10)
    np.testing.assert_allclose(g_w, w.grad.numpy(), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(g_b, bias.grad.numpy(), rtol=1e-8, atol=1e-12)

    params = {"weight": layer.weight.copy(), "bias": layer.bias.copy()}
    opt, torch_opt = Adam(0.01), torch.optim.Adam([w, bias], lr=0.01)
    for _ in range(3):
        opt.step(params, {"weight": g_w, "bias": g_b})
        w.grad, bias.grad = torch.tensor(g_w), torch.tensor(g_b)
        torch_opt.step()
    np.testing.assert_allclose(params["weight"], w.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(params["bias"], bias.detach().numpy(), rtol=1e-10, atol=1e-14)
