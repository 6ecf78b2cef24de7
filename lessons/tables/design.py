"""From table rows to model inputs: which encoding each column gets, fitted on the training rows only.

A ``Design`` is the list of column plans plus the target. ``Design.inputs(frame)`` turns rows into
what the model reads: one dense block (every numeric encoding side by side), and one integer index
per categorical column (one-hot and embedding columns alike: a one-hot vector times a weight matrix
*is* a row lookup, so the model stores one-hot's weights as a table too). ``Design.row_vectors``
writes out the full concatenated row vector a student sees, one-hot ones and all. numpy only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lessons.tables import encoding as enc
from media.errors import InputError

CATEGORICAL_ENCODINGS = ("onehot", "embedding")
NUMERIC_ENCODINGS = ("raw", "standardise", "buckets", "ple")
MAX_BINS = 32
MAX_DIM = 64
MAX_CROSS_BUCKETS = 4096
MAX_CATEGORIES = 20_000  # rows of one table after min_count (a column with more is an id, not a category)


@dataclass
class ColumnPlan:
    name: str
    kind: str  # "categorical" | "numeric" | "cross"
    encoding: str  # one of CATEGORICAL_ENCODINGS or NUMERIC_ENCODINGS
    width: int  # numbers this column adds to the row vector
    vocab: enc.Vocabulary | None = None
    dim: int = 0  # embedding dimension (embedding columns)
    scaler: enc.Scaler | None = None
    edges: np.ndarray | None = None
    fill: float = 0.0  # training median, used for a missing number
    missing: int = 0  # training rows with no number here
    parts: tuple[str, str] | None = None  # the two crossed columns
    buckets: int = 0
    stats: enc.CrossStats | None = None

    @property
    def indexed(self) -> bool:
        """Read by the model as an index (categorical or cross), not as dense numbers."""
        return self.kind in ("categorical", "cross")

    @property
    def table_rows(self) -> int:
        return self.buckets if self.kind == "cross" else (self.vocab.size if self.vocab else 0)

    def row_names(self) -> list[str]:
        if self.kind == "cross":
            return [f"bucket {i}" for i in range(self.buckets)]
        return self.vocab.names() if self.vocab else []

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "encoding": self.encoding, "width": int(self.width)}

    # -- one column's numbers ---------------------------------------------------------------------
    def numbers(self, frame: pd.DataFrame) -> np.ndarray:
        """[n] float64 numbers of a numeric column, a missing number replaced by the training median."""
        x = pd.to_numeric(frame[self.name], errors="coerce").to_numpy(dtype=np.float64)
        return np.where(np.isnan(x), self.fill, x)

    def index(self, frame: pd.DataFrame) -> np.ndarray:
        """[n] int64 row of the table (categorical: 0 = UNK; cross: the hash bucket)."""
        if self.kind == "cross":
            a, b = self.parts
            return enc.hash_bucket(enc.cross_tokens(frame[a].tolist(), frame[b].tolist()), self.buckets)
        return self.vocab.index(frame[self.name].tolist())

    def dense(self, frame: pd.DataFrame) -> np.ndarray:
        """[n, width] float32 for a numeric column."""
        x = self.numbers(frame)
        if self.encoding == "raw":
            return x.astype(np.float32)[:, None]
        if self.encoding == "standardise":
            return self.scaler.transform(x)[:, None]
        if self.encoding == "buckets":
            return enc.one_hot(enc.bucket_index(x, self.edges), len(self.edges) - 1)
        return enc.ple(x, self.edges)


def _fit_numeric(name: str, x: np.ndarray, encoding: str, bins: int) -> ColumnPlan:
    missing = int(np.isnan(x).sum())
    known = x[~np.isnan(x)]
    fill = float(np.median(known)) if len(known) else 0.0
    x = np.where(np.isnan(x), fill, x)
    plan = ColumnPlan(name, "numeric", encoding, 1, fill=fill, missing=missing)
    if encoding == "standardise":
        plan.scaler = enc.Scaler.fit(x)
    elif encoding in ("buckets", "ple"):
        plan.edges = enc.quantile_edges(x, bins)
        plan.width = len(plan.edges) - 1
    return plan


@dataclass
class Design:
    columns: list[ColumnPlan]
    target: str
    target_kind: str  # "categorical" | "numeric"
    classes: list[str] = field(default_factory=list)  # categorical target: its classes (training order)
    target_scaler: enc.Scaler | None = None  # numeric target: the model predicts (y - mean) / std

    @property
    def metric(self) -> str:
        return "accuracy" if self.target_kind == "categorical" else "rmse"

    @property
    def outputs(self) -> int:
        return len(self.classes) if self.target_kind == "categorical" else 1

    @property
    def width(self) -> int:
        return int(sum(c.width for c in self.columns))

    def dense_columns(self) -> list[ColumnPlan]:
        return [c for c in self.columns if not c.indexed]

    def onehot_columns(self) -> list[ColumnPlan]:
        return [c for c in self.columns if c.indexed and c.encoding == "onehot"]

    def embedding_columns(self) -> list[ColumnPlan]:
        return [c for c in self.columns if c.indexed and c.encoding == "embedding"]

    def column(self, name: str) -> ColumnPlan:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    # -- rows -> model inputs ------------------------------------------------------------------------
    def inputs(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """dense [n, D] float32, one-hot indices [n, k1] int64, embedding indices [n, k2] int64."""
        n = len(frame)
        blocks = [c.dense(frame) for c in self.dense_columns()]
        dense = np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0), np.float32)  # [n, D]
        onehot = np.stack([c.index(frame) for c in self.onehot_columns()], 1) if self.onehot_columns() \
            else np.zeros((n, 0), np.int64)  # [n, k1]
        emb = np.stack([c.index(frame) for c in self.embedding_columns()], 1) if self.embedding_columns() \
            else np.zeros((n, 0), np.int64)  # [n, k2]
        return dense.astype(np.float32), onehot, emb

    def labels(self, frame: pd.DataFrame) -> np.ndarray:
        """Class index [n] int64 (categorical target) or the standardised target [n] float32."""
        if self.target_kind == "categorical":
            lookup = {c: i for i, c in enumerate(self.classes)}
            y = [lookup.get(v, -1) for v in enc.category_strings(frame[self.target].tolist())]
            return np.array(y, dtype=np.int64)
        return self.target_scaler.transform(frame[self.target].to_numpy(dtype=np.float64))

    def row_vectors(self, frame: pd.DataFrame, tables: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """[n, width] the concatenated row vector, block by block in column order.

        One-hot columns are written out in full; embedding columns are their rows of ``tables``
        (name -> [rows, dim] current embedding table; zeros if not given)."""
        blocks = []
        for c in self.columns:
            if not c.indexed:
                blocks.append(c.dense(frame))
            elif c.encoding == "onehot":
                blocks.append(enc.one_hot(c.index(frame), c.width))
            else:
                table = (tables or {}).get(c.name)
                idx = c.index(frame)
                blocks.append(table[idx].astype(np.float32) if table is not None
                              else np.zeros((len(frame), c.width), np.float32))
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(frame), 0), np.float32)  # [n, width]


def fit_design(train: pd.DataFrame, kinds: dict[str, str], target: str, features: list[str],
               categorical: str = "embedding", numeric: str = "ple", encodings: dict | None = None,
               embedding_dim: int = 8, min_count: int = 20, bins: int = 8,
               cross: tuple[str, str] | None = None, cross_buckets: int = 64,
               dims: dict[str, int] | None = None) -> Design:
    """Fit every column's encoder on the training rows. ``encodings`` overrides the default per column."""
    encodings = dict(encodings or {})
    if categorical not in CATEGORICAL_ENCODINGS:
        raise InputError(f"Categorical encoding must be one of {', '.join(CATEGORICAL_ENCODINGS)}.")
    if numeric not in NUMERIC_ENCODINGS:
        raise InputError(f"Numeric encoding must be one of {', '.join(NUMERIC_ENCODINGS)}.")
    if not 1 <= int(embedding_dim) <= MAX_DIM:
        raise InputError(f"Embedding dimension must be between 1 and {MAX_DIM}.")
    if not 2 <= int(bins) <= MAX_BINS:
        raise InputError(f"Bins must be between 2 and {MAX_BINS}.")
    if int(min_count) < 1:
        raise InputError("The minimum count must be at least 1 (1 keeps every category seen in training).")
    if not features:
        raise InputError("Choose at least one column to predict from.")
    for name in list(encodings) + list(features):
        if name not in kinds:
            raise InputError(f"There is no column {str(name)[:40]!r}; columns: {', '.join(kinds)}.")
    if target in features:
        raise InputError(f"'{target}' is what the model predicts; it cannot also be an input.")
    plans = []
    for name in features:
        kind = kinds[name]
        choice = encodings.get(name, categorical if kind == "categorical" else numeric)
        allowed = CATEGORICAL_ENCODINGS if kind == "categorical" else NUMERIC_ENCODINGS
        if choice not in allowed:
            raise InputError(f"'{name}' is {kind}: encode it as one of {', '.join(allowed)}, not {str(choice)[:20]!r}.")
        if kind == "categorical":
            vocab = enc.Vocabulary.fit(train[name].tolist(), int(min_count))
            if vocab.size > MAX_CATEGORIES:
                raise InputError(f"'{name}' has {vocab.size - 1:,} categories seen at least {min_count} times; "
                                 f"this lesson takes at most {MAX_CATEGORIES:,} (raise the minimum count or leave it out).")
            dim = int((dims or {}).get(name, embedding_dim))
            plans.append(ColumnPlan(name, "categorical", choice, vocab.size if choice == "onehot" else dim,
                                    vocab=vocab, dim=dim))
        else:
            x = pd.to_numeric(train[name], errors="coerce").to_numpy(dtype=np.float64)
            plans.append(_fit_numeric(name, x, choice, int(bins)))
    if cross:
        a, b = cross
        for part in (a, b):
            if part not in kinds or part == target:
                raise InputError(f"The cross needs two input columns; {str(part)[:40]!r} is not one.")
        if a == b:
            raise InputError("Cross two different columns.")
        if not 2 <= int(cross_buckets) <= MAX_CROSS_BUCKETS:
            raise InputError(f"The cross takes 2 to {MAX_CROSS_BUCKETS} buckets.")
        tokens = enc.cross_tokens(train[a].tolist(), train[b].tolist())
        stats = enc.cross_stats(tokens, int(cross_buckets))
        dim = int(embedding_dim)
        plans.append(ColumnPlan(f"{a}×{b}", "cross", categorical,
                                int(cross_buckets) if categorical == "onehot" else dim, dim=dim,
                                parts=(a, b), buckets=int(cross_buckets), stats=stats))
    if kinds[target] == "categorical":
        counts = pd.Series(enc.category_strings(train[target].tolist())).value_counts()
        classes = sorted(counts.index.tolist(), key=lambda c: (-counts[c], c))
        if len(classes) < 2:
            raise InputError(f"Every training row has the same '{target}'; there is nothing to learn.")
        if len(classes) > 50:
            raise InputError(f"'{target}' has {len(classes)} different values; predict a column with at most 50 "
                             "classes, or a numeric one.")
        return Design(plans, target, "categorical", classes=classes)
    y = train[target].to_numpy(dtype=np.float64)
    return Design(plans, target, "numeric", target_scaler=enc.Scaler.fit(y))
