"""The small model the lesson trains: embedding tables + an MLP, in torch. No Gradio.

The first layer reads the row vector: ``Linear(dense numbers ++ embedding rows)`` plus, for each
one-hot column, its weight rows. A one-hot vector times a weight matrix picks one row, so a one-hot
column with n categories is stored as an n x hidden table and looked up (same numbers, no n-wide
vector in memory); an embedding column is an n x d table whose row then goes through the d x hidden
weights: one-hot's n x hidden weights, factored through d numbers per category.

``train_steps`` is a generator: it yields a ``Progress`` after every epoch (the page redraws the
loss curve from it) and finally the finished ``Run``. Seeds fix the initial weights and the order
of the batches; the split is fixed by ``data.SPLIT_SEED``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import torch
from torch import nn

from lessons.tables.design import Design
from lessons.torch_threads import one_thread

HIDDEN = 64
BATCH = 512
LEARNING_RATE = 3e-3
MAX_EPOCHS = 30
EMBEDDING_INIT_STD = 0.01  # fastai's embedding(): trunc_normal_(std=0.01)


class TabularNet(nn.Module):
    def __init__(self, dense_width: int, onehot_sizes: list[int], embedding_shapes: list[tuple[int, int]],
                 outputs: int, hidden: int = HIDDEN):
        super().__init__()
        fan_in = dense_width + sum(onehot_sizes) + sum(d for _, d in embedding_shapes)
        self.embeddings = nn.ModuleList(nn.Embedding(n, d) for n, d in embedding_shapes)
        self.onehot = nn.ModuleList(nn.Embedding(n, hidden) for n in onehot_sizes)  # rows of one-hot's weights
        width = dense_width + sum(d for _, d in embedding_shapes)
        self.first = nn.Linear(width, hidden) if width else None  # only one-hot columns: their tables and a bias
        self.bias = None if width else nn.Parameter(torch.zeros(hidden))
        bound = 1.0 / math.sqrt(max(1, fan_in))  # nn.Linear's own init, for the layer over the whole row vector
        for table in self.onehot:
            nn.init.uniform_(table.weight, -bound, bound)
        for table in self.embeddings:  # fastai's init for entity embeddings: small, so training draws the map
            nn.init.trunc_normal_(table.weight, std=EMBEDDING_INIT_STD, a=-2 * EMBEDDING_INIT_STD, b=2 * EMBEDDING_INIT_STD)
        if self.first is not None:
            nn.init.uniform_(self.first.weight, -bound, bound)
            nn.init.uniform_(self.first.bias, -bound, bound)
        self.rest = nn.Sequential(nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, outputs))

    def forward(self, dense: torch.Tensor, onehot: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        if self.first is not None:
            parts = [dense] + [table(emb[:, j]) for j, table in enumerate(self.embeddings)]  # [B, D], [B, d_j]
            h = self.first(torch.cat(parts, dim=1))  # [B, hidden]
        else:
            h = self.bias.expand(len(onehot), -1)  # [B, hidden]
        for j, table in enumerate(self.onehot):
            h = h + table(onehot[:, j])  # [B, hidden]: one-hot row times the weight matrix
        return self.rest(h)  # [B, outputs]

    def tables(self, design: Design) -> dict[str, np.ndarray]:
        """Embedding column name -> its table [rows, dim] as numpy."""
        return {c.name: t.weight.detach().numpy().copy() for c, t in zip(design.embedding_columns(), self.embeddings)}


def parameter_count(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


@dataclass
class Tensors:
    dense: torch.Tensor  # [n, D] float32
    onehot: torch.Tensor  # [n, k1] int64
    emb: torch.Tensor  # [n, k2] int64
    y: torch.Tensor  # [n] int64 (classes) or float32 (standardised target)

    @classmethod
    def of(cls, design: Design, frame) -> "Tensors":
        dense, onehot, emb = design.inputs(frame)
        return cls(torch.from_numpy(dense), torch.from_numpy(onehot), torch.from_numpy(emb),
                   torch.from_numpy(design.labels(frame)))

    def __len__(self) -> int:
        return len(self.y)


@dataclass
class Progress:
    epoch: int
    epochs: int
    history: list[dict]  # one dict per finished epoch
    seconds: float
    baseline_loss: float  # the trivial model's validation loss, for the plot


@dataclass
class Run:
    design: Design
    model: TabularNet = field(repr=False)
    history: list[dict]
    metric: str
    train: float  # metric on the training rows
    validation: float  # metric on the validation rows
    validation_loss: float
    baseline: float  # majority class / training mean, on the validation rows
    baseline_loss: float
    parameters: int
    seconds: float
    initial_tables: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def tables(self) -> dict[str, np.ndarray]:
        return self.model.tables(self.design)


def build_model(design: Design) -> TabularNet:
    dense = sum(c.width for c in design.dense_columns())
    return TabularNet(dense, [c.table_rows for c in design.onehot_columns()],
                      [(c.table_rows, c.dim) for c in design.embedding_columns()], design.outputs)


def _loss(design: Design, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if design.target_kind == "categorical":
        return nn.functional.cross_entropy(out, y)
    return nn.functional.mse_loss(out[:, 0], y)


@torch.no_grad()
def evaluate(design: Design, model: TabularNet, data: Tensors) -> tuple[float, float]:
    """(loss, metric) on ``data``: accuracy for classes, RMSE in the target's own units for numbers."""
    model.eval()
    out = torch.cat([model(data.dense[i:i + 8192], data.onehot[i:i + 8192], data.emb[i:i + 8192])
                     for i in range(0, len(data), 8192)])  # [n, outputs]
    loss = float(_loss(design, out, data.y))
    if design.target_kind == "categorical":
        return loss, float((out.argmax(1) == data.y).float().mean())
    return loss, float(math.sqrt(float(((out[:, 0] - data.y) ** 2).mean())) * design.target_scaler.std)


def baseline(design: Design, train: Tensors, validation: Tensors) -> tuple[float, float]:
    """(loss, metric) of the trivial model: the majority class (its training share as probabilities) or the mean."""
    if design.target_kind == "categorical":
        counts = torch.bincount(train.y, minlength=design.outputs).double()  # [classes]
        p = counts / counts.sum()
        loss = float(-torch.log(p.clamp_min(1e-12))[validation.y].mean())
        return loss, float((validation.y == int(torch.argmax(counts))).double().mean())
    mean = float(train.y.double().mean())  # ~0: the target is standardised on the training rows
    mse = float(((validation.y.double() - mean) ** 2).mean())
    return mse, math.sqrt(mse) * design.target_scaler.std


def train_steps(design: Design, train_frame, validation_frame, epochs: int = 8, seed: int = 0,
                lr: float = LEARNING_RATE, batch: int = BATCH) -> Iterator[Progress | Run]:
    """Train, yielding a Progress after each epoch and the Run at the end."""
    started = time.perf_counter()
    train, val = Tensors.of(design, train_frame), Tensors.of(design, validation_frame)
    if design.target_kind == "categorical" and (val.y < 0).any():
        keep = val.y >= 0  # a class never seen in training cannot be predicted: score on the others
        val = Tensors(val.dense[keep], val.onehot[keep], val.emb[keep], val.y[keep])
    with torch.random.fork_rng():
        torch.manual_seed(int(seed))
        model = build_model(design)
    initial = model.tables(design)
    opt = torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    steps = int(epochs) * math.ceil(len(train) / min(int(batch), max(32, len(train) // 16)))
    # cosine decay from lr to lr/10 over the run: the last epochs settle instead of jumping around
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.1 + 0.45 * (1 + math.cos(math.pi * min(k, steps) / steps)))
    order = torch.Generator().manual_seed(int(seed))
    history: list[dict] = []
    base_loss, base_metric = baseline(design, train, val)
    batch = min(int(batch), max(32, len(train) // 16))  # a small table still gets ~16 steps per epoch
    for epoch in range(1, int(epochs) + 1):
        with one_thread():
            model.train()
            perm = torch.randperm(len(train), generator=order)  # [n_train]
            total, seen = 0.0, 0
            for i in range(0, len(train), batch):
                idx = perm[i:i + batch]
                out = model(train.dense[idx], train.onehot[idx], train.emb[idx])  # [B, outputs]
                loss = _loss(design, out, train.y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()
                total += float(loss.detach()) * len(idx)
                seen += len(idx)
            val_loss, val_metric = evaluate(design, model, val)
        history.append({"epoch": epoch, "train_loss": round(total / seen, 6), "validation_loss": round(val_loss, 6),
                        "validation": round(val_metric, 6)})
        yield Progress(epoch, int(epochs), list(history), time.perf_counter() - started, base_loss)
    with one_thread():
        _, train_metric = evaluate(design, model, train)
        val_loss, val_metric = evaluate(design, model, val)
    yield Run(design, model, history, design.metric, train_metric, val_metric, val_loss, base_metric, base_loss,
              parameter_count(model), time.perf_counter() - started, initial)


def train(design: Design, train_frame, validation_frame, epochs: int = 8, seed: int = 0, **kw) -> Run:
    """Train to the end (no progress)."""
    last = None
    for last in train_steps(design, train_frame, validation_frame, epochs, seed, **kw):
        pass
    return last
