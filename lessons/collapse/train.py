"""A tiny self-supervised training run in plain numpy: a linear layer taught to make two noisy copies agree.

Plain numpy with the gradients written out (checked against torch autograd in
``tests/lessons/test_collapse.py``): the layer is a few thousand numbers, far too small for torch's
thread pool to help, and on a busy 2-core server torch's threads made it 10x slower.

    z = x W^T + b,  n = z / |z|                         (one row per example)
    no negatives: L = -mean_i  n_a[i] . n_b[i]
    InfoNCE:      L =  mean_i  [logsumexp_j (n_a[i] . n_b[j] / t) - n_a[i] . n_b[i] / t]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Linear:
    weight: np.ndarray  # [d_out, d_in]
    bias: np.ndarray  # [d_out]

    @classmethod
    def identity(cls, d: int) -> "Linear":
        return cls(np.eye(d), np.zeros(d))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weight.T + self.bias  # [b, d_in] -> [b, d_out]


def _normalise(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)  # [b, 1]
    return z / r, r


def _normalise_backward(g: np.ndarray, n: np.ndarray, r: np.ndarray) -> np.ndarray:
    """d loss / d z from d loss / d n, for n = z / |z|."""
    return (g - n * (n * g).sum(axis=1, keepdims=True)) / r


def loss_and_grads(layer: Linear, a: np.ndarray, b: np.ndarray, negatives: bool,
                   temperature: float) -> tuple[float, np.ndarray, np.ndarray]:
    """(loss, d loss / d weight, d loss / d bias) for a batch of two views ``a``, ``b`` [B, d]."""
    na, ra = _normalise(layer(a))
    nb, rb = _normalise(layer(b))
    batch = len(a)
    if negatives:
        s = na @ nb.T / temperature  # [B, B]: row i, the copy of i against every other row's copy
        s_max = s.max(axis=1, keepdims=True)
        e = np.exp(s - s_max)
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(e.sum(axis=1)) + s_max[:, 0] - np.diag(s)))
        ds = (p - np.eye(batch)) / batch
        ga, gb = ds @ nb / temperature, ds.T @ na / temperature
    else:
        loss = float(-np.mean((na * nb).sum(axis=1)))
        ga, gb = -nb / batch, -na / batch
    dza, dzb = _normalise_backward(ga, na, ra), _normalise_backward(gb, nb, rb)
    return loss, dza.T @ a + dzb.T @ b, dza.sum(axis=0) + dzb.sum(axis=0)


@dataclass
class Adam:
    """torch.optim.Adam's update (betas 0.9 / 0.999, eps 1e-8, no weight decay)."""
    lr: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    state: dict = field(default_factory=dict)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for name, g in grads.items():
            m, v = self.state.get(name, (np.zeros_like(g), np.zeros_like(g)))
            m = self.beta1 * m + (1 - self.beta1) * g
            v = self.beta2 * v + (1 - self.beta2) * g * g
            self.state[name] = (m, v)
            m_hat, v_hat = m / (1 - self.beta1 ** self.t), v / (1 - self.beta2 ** self.t)
            params[name] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
