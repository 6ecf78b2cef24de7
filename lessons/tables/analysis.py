"""What a trained embedding table learned, and what it is worth elsewhere. numpy / scikit-learn, no Gradio.

- ``table_map``: the table's rows in 2-D (the rows themselves for d <= 2, else PCA) with, for
  airports, how well distances between rows follow distances on the globe (Spearman correlation
  over every pair, the untrained table's value next to it), and how well the map's first axis
  follows each category's average target (what the task could teach).
- ``reuse``: the learned rows as features for k-nearest neighbours and a linear model, against
  one-hot features, with the same numeric columns standardised in both (Guo & Berkhahn 2016).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lessons.tables import encoding as enc
from lessons.tables.design import Design

EARTH_RADIUS_MILES = 3958.8
MAX_MAP_ROWS = 400  # a map of a bigger table shows its most frequent rows


# numpy versions of four library functions, so the page's first training does not wait for scipy.stats
# and sklearn to import (tens of seconds on a busy 2-core machine); tests check each against the library.
def great_circle_miles(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """[n, n] great-circle distances in miles (the haversine formula, as sklearn's haversine_distances)."""
    lat, lon = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    dlat = lat[:, None] - lat[None, :]  # [n, n]
    dlon = lon[:, None] - lon[None, :]  # [n, n]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * EARTH_RADIUS_MILES  # [n, n]


def spearman(a, b) -> float:
    """Spearman's rank correlation (ties get their average rank, as scipy.stats.spearmanr)."""
    ra = pd.Series(np.asarray(a, dtype=np.float64)).rank(method="average").to_numpy()
    rb = pd.Series(np.asarray(b, dtype=np.float64)).rank(method="average").to_numpy()
    if len(ra) < 3 or ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def pair_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman correlation between the upper triangles of two [n, n] distance matrices."""
    iu = np.triu_indices(len(a), k=1)
    return spearman(a[iu], b[iu])


def row_distances(table: np.ndarray) -> np.ndarray:
    """[n, n] Euclidean distances between the rows of a table [n, d]."""
    t = np.asarray(table, dtype=np.float64)
    return np.sqrt(np.maximum(((t[:, None, :] - t[None, :, :]) ** 2).sum(-1), 0.0))  # [n, n]


def pca_2d(rows: np.ndarray) -> tuple[np.ndarray, float]:
    """The rows [n, d] projected on their two principal axes, and the share of variance those show.

    Signs follow sklearn's PCA (svd_flip on the components: each axis's largest entry is positive)."""
    x = np.asarray(rows, dtype=np.float64)
    centred = x - x.mean(0)  # [n, d]
    _, s, vt = np.linalg.svd(centred, full_matrices=False)  # vt: [k, d]
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(1)])  # [k]
    vt = vt * signs[:, None]
    total = float((s ** 2).sum())
    return centred @ vt[:2].T, (float((s[:2] ** 2).sum()) / total if total > 0 else 1.0)  # [n, 2]


@dataclass
class TableMap:
    column: str
    names: list[str]  # category of each point
    rows: list[int]  # its row in the table (0 is UNK)
    counts: list[int]  # training rows of each
    xy: np.ndarray = field(repr=False)  # [n, 2]
    method: str  # "the rows themselves" | "PCA"
    explained: float  # share of the rows' variance the two axes show (1.0 when d <= 2)
    dim: int
    target_mean: list[float]  # average target of each category in training (class 0 share for classes)
    target_label: str
    axis_vs_target: float  # Spearman: first axis vs the category's average target
    geo: float | None = None  # Spearman: pairwise row distance vs great-circle distance (airports)
    geo_before: float | None = None  # the same for the untrained table
    geo_pairs: int = 0
    inputs: list[str] = field(default_factory=list)  # the run's input columns
    nyc_distance: list[float] | None = None  # miles from New York (airports), per point
    axis_vs_nyc: float | None = None  # Spearman: first axis vs distance from New York


def _target_means(design: Design, frame: pd.DataFrame, idx: np.ndarray, rows: int) -> tuple[np.ndarray, str]:
    if design.target_kind == "categorical":
        positive = design.classes[0] if design.classes[0] != "on time" or len(design.classes) < 2 else design.classes[1]
        y = (np.array(enc.category_strings(frame[design.target].tolist())) == positive).astype(np.float64)
        label = f"share '{positive}'"
    else:
        y = frame[design.target].to_numpy(dtype=np.float64)
        label = f"average {design.target}"
    sums = np.bincount(idx, weights=y, minlength=rows)
    counts = np.bincount(idx, minlength=rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan), label


def table_map(design: Design, column: str, table: np.ndarray, initial: np.ndarray, train: pd.DataFrame,
              airports: pd.DataFrame | None = None) -> TableMap:
    """The learned table of ``column`` [rows, d] as a 2-D map, with the measures above."""
    plan = design.column(column)
    names = plan.row_names()
    idx = plan.index(train)
    counts = np.bincount(idx, minlength=len(names))
    means, label = _target_means(design, train, idx, len(names))
    keep = np.flatnonzero(counts > 0)  # rows that training touched (UNK may be empty)
    keep = keep[np.argsort(-counts[keep], kind="stable")][:MAX_MAP_ROWS]
    rows = table[keep]  # [m, d]
    if rows.shape[1] == 1:
        xy, method, explained = np.concatenate([rows, np.zeros_like(rows)], 1), "the rows themselves", 1.0
    elif rows.shape[1] == 2:
        xy, method, explained = rows.copy(), "the rows themselves", 1.0
    else:
        xy, explained = pca_2d(rows)
        method = "PCA"
    m_means = means[keep]
    ok = ~np.isnan(m_means)
    axis_vs_target = spearman(xy[ok, 0], m_means[ok]) if ok.sum() >= 3 else float("nan")
    out = TableMap(column, [names[i] for i in keep], keep.tolist(), counts[keep].tolist(), xy, method, explained,
                   table.shape[1], m_means.tolist(), label, axis_vs_target, inputs=[c.name for c in design.columns])
    if airports is not None:
        codes = [names[i] for i in keep]
        known = [j for j, c in enumerate(codes) if keep[j] != 0 and c in airports.index]  # not UNK (also an FAA code!)
        if len(known) >= 3:
            lat = airports.loc[[codes[j] for j in known], "lat"].to_numpy(dtype=np.float64)
            lon = airports.loc[[codes[j] for j in known], "lon"].to_numpy(dtype=np.float64)
            geo = great_circle_miles(lat, lon)  # [k, k]
            out.geo = pair_correlation(row_distances(rows[known]), geo)
            out.geo_before = pair_correlation(row_distances(initial[keep][known]), geo)
            out.geo_pairs = len(known) * (len(known) - 1) // 2
            # New York (JFK) as the origin of every flight: how far each destination is
            nyc = great_circle_miles(np.append(lat, 40.6398), np.append(lon, -73.7789))[-1, :-1]  # [k]
            full = np.full(len(codes), np.nan)
            full[known] = nyc
            out.nyc_distance = full.tolist()
            out.axis_vs_nyc = spearman(xy[known, 0], nyc)
    return out


# -- reuse: the learned rows as features for simple models -----------------------------------------------
@dataclass
class ReuseResult:
    metric: str
    rows: list[dict]  # {"model", "features", "width", "validation"}
    baseline: float
    k: int


def _features(design: Design, frame: pd.DataFrame, tables: dict[str, np.ndarray] | None, scalers: dict):
    """Categorical columns as one-hot (sparse) or as their learned rows; numeric columns standardised."""
    from scipy import sparse

    blocks = []
    for c in design.columns:
        if c.indexed:
            idx = c.index(frame)
            if tables is None or c.name not in tables:  # no learned table: one-hot in both
                blocks.append(sparse.csr_matrix((np.ones(len(idx)), (np.arange(len(idx)), idx)),
                                                shape=(len(idx), c.table_rows)))
            else:
                blocks.append(sparse.csr_matrix(tables[c.name][idx]))
        else:
            x = c.numbers(frame)
            mean, std = scalers[c.name]
            blocks.append(sparse.csr_matrix(((x - mean) / std)[:, None]))
    return sparse.hstack(blocks).tocsr()


def reuse(design: Design, tables: dict[str, np.ndarray], train: pd.DataFrame, validation: pd.DataFrame,
          k: int = 15, seed: int = 0) -> ReuseResult:
    """k-NN and a linear model on one-hot vs learned-embedding features, scored on the validation rows."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import accuracy_score, mean_squared_error
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    if not tables:
        raise ValueError("reuse needs at least one learned embedding table")
    scalers = {}
    for c in design.dense_columns():
        x = c.numbers(train)
        scalers[c.name] = (float(x.mean()), float(x.std()) or 1.0)
    y_train = design.labels(train)
    y_val = design.labels(validation)
    keep = y_val >= 0 if design.target_kind == "categorical" else np.ones(len(y_val), bool)
    classify = design.target_kind == "categorical"
    rows = []
    for name, tabs in (("one-hot", None), ("learned embeddings", tables)):
        x_train = _features(design, train, tabs, scalers)
        x_val = _features(design, validation, tabs, scalers)[keep]
        models = (("k-nearest neighbours (k=%d)" % k,
                   KNeighborsClassifier(k) if classify else KNeighborsRegressor(k)),
                  ("logistic regression" if classify else "ridge regression",
                   LogisticRegression(max_iter=300, random_state=seed) if classify else Ridge(alpha=1.0)))
        for label, model in models:
            model.fit(x_train, y_train)
            pred = model.predict(x_val)
            if classify:
                score = float(accuracy_score(y_val[keep], pred))
            else:
                score = float(np.sqrt(mean_squared_error(y_val[keep], pred)) * design.target_scaler.std)
            rows.append({"model": label, "features": name, "width": int(x_train.shape[1]), "validation": score})
    if classify:
        majority = np.bincount(y_train, minlength=design.outputs).argmax()
        base = float((y_val[keep] == majority).mean())
    else:
        base = float(np.sqrt(((y_val - y_train.mean()) ** 2).mean()) * design.target_scaler.std)
    return ReuseResult(design.metric, rows, base, k)
