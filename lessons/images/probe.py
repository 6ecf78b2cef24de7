"""A linear probe: logistic regression on frozen vectors, scored on pictures set aside before the gallery was chosen.

Pure numpy/scikit-learn, no Gradio.

- classes: the gallery's picture groups (cats, fish, windmills, ...), all or the ones chosen;
- training set: the gallery's pictures of those groups; test set: the held-out pictures of the same
  groups (``assets/heldout/``, set aside at random before the gallery was chosen, never trained on);
- representations (each frozen: nothing in the encoder changes): raw pixels (the picture shrunk to
  16 x 16 RGB, 768 numbers in 0..1; 32 x 32 scored about the same here and took 4x longer to fit),
  EfficientNet-Lite0's 1280-d vector, the label bridge's 384-d vector, and CLIP's 512-d image vector where CLIP loads;
- classifier: scikit-learn ``StandardScaler`` then ``LogisticRegression`` (multinomial, L2, C = 1,
  lbfgs), the same for every representation;
- chance: a uniform guess among k classes is right 1/k of the time; the *majority* baseline always
  answers the training set's most common group.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

from media.errors import InputError

PIXEL_SIDE = 16
C = 1.0
MAX_ITER = 2000
REPRESENTATIONS = ("pixels", "efficientnet", "bridge", "clip")
LABELS = {"pixels": "raw pixels (16 x 16 RGB)", "efficientnet": "EfficientNet-Lite0", "bridge": "label bridge",
          "clip": "CLIP ViT-B/32"}
WHAT = {"pixels": "no network: the picture itself, shrunk",
        "efficientnet": "the app's image encoder, trained to name 1000 ImageNet classes",
        "bridge": "MiniLM's text vectors of EfficientNet's likeliest ImageNet class names, weighted by probability",
        "clip": "a picture tower trained to match pictures with their captions"}
Representation = Literal["pixels", "efficientnet", "bridge", "clip"]

_pixel_cache: dict[str, np.ndarray] = {}
_pixel_lock = threading.Lock()


@dataclass
class ProbeScore:
    name: str
    label: str
    dim: int
    accuracy: float  # on the held-out pictures
    correct: int
    train_accuracy: float
    confusion: np.ndarray = field(repr=False)  # [k, k] rows: true group, columns: predicted group
    fit_seconds: float = 0.0  # scaler + logistic regression fit, wall clock (not deterministic)


@dataclass
class ProbeResult:
    groups: list[str]
    titles: list[str]
    train_n: int
    test_n: int
    test_counts: list[int]  # held-out pictures per group
    chance: float  # 1 / k
    majority: float  # accuracy of always answering the most common training group
    scores: list[ProbeScore]
    unavailable: dict[str, str]  # representation -> why it was left out


def group_choices() -> list[tuple[str, str]]:
    """(title, key) of the picture groups that have both gallery and held-out pictures."""
    from gallery.manifest import heldout_items, items_of, load_groups

    have = {i.group for i in items_of("image")} & {i.group for i in heldout_items("image")}
    return [(g.title, g.key) for g in load_groups() if g.key in have]


def check_groups(groups: list[str] | None) -> list[str]:
    valid = [key for _, key in group_choices()]
    if not groups:
        return valid
    chosen = [str(g).strip() for g in groups]
    unknown = [g for g in chosen if g not in valid]
    if unknown:
        raise InputError(f"'{unknown[0][:40]}' is not a picture group; choose from: {', '.join(valid)}.")
    chosen = [g for g in valid if g in set(chosen)]  # manifest order, no repeats
    if len(chosen) < 2:
        raise InputError("A probe needs at least two groups to tell apart; tick two or more.")
    return chosen


def check_representations(names: list[str] | None) -> list[str]:
    if not names:
        return list(REPRESENTATIONS)
    unknown = [n for n in names if n not in REPRESENTATIONS]
    if unknown:
        raise InputError(f"Unknown representation '{str(unknown[0])[:40]}'; use any of: {', '.join(REPRESENTATIONS)}.")
    return [n for n in REPRESENTATIONS if n in set(names)]


def pixel_vector(image, side: int = PIXEL_SIDE) -> np.ndarray:
    """A picture as raw pixels: shrunk to side x side RGB (bilinear), flattened, in 0..1. [side * side * 3]"""
    from PIL import Image

    small = image.convert("RGB").resize((side, side), Image.BILINEAR)
    return (np.asarray(small, dtype=np.float32) / 255.0).reshape(-1)  # [side * side * 3]


def pixel_vectors(items) -> np.ndarray:
    """[n, 768] raw-pixel vectors of gallery items (decoded once per process)."""
    from media.decode import decode_file

    out = np.empty((len(items), PIXEL_SIDE * PIXEL_SIDE * 3), dtype=np.float32)  # [n, 768]
    for i, item in enumerate(items):
        with _pixel_lock:
            cached = _pixel_cache.get(item.path)
        if cached is None:
            cached = pixel_vector(decode_file("image", item.path))
            with _pixel_lock:
                _pixel_cache[item.path] = cached
        out[i] = cached
    return out


def vectors(name: str, where: str) -> tuple[list, np.ndarray]:
    """(items, [n, dim]) of the gallery (``where="gallery"``) or of the held-out pictures."""
    from gallery.index import gallery_vectors
    from gallery.manifest import ASSETS_DIR, HELDOUT_DIR, items_of

    folder = ASSETS_DIR if where == "gallery" else HELDOUT_DIR
    if name == "pixels":
        items = items_of("image", folder)
        return items, pixel_vectors(items)
    return gallery_vectors(name, "image", folder)


def unavailable_reason(name: str) -> str | None:
    """None when the representation's encoder loads here, else why not (loading it if need be)."""
    if name == "pixels":
        return None
    from encoders import EncoderUnavailable, get_encoder

    try:
        get_encoder(name).ensure_loaded()
    except EncoderUnavailable as exc:
        return str(exc)
    return None


def one_thread():
    """One thread for scikit-learn's OpenMP loss/gradient and for BLAS, for a ``with`` block.

    A fit on 119 vectors is tiny: on the busy 2-core build machine two threads waited on each other
    (32 x 32 pixels: 37 s with two threads, 4.1 s with one; not a benchmark). OpenMP's thread count is
    per calling thread, so other requests keep theirs (as lessons/objectives does); OpenBLAS's is
    process-wide, and the app runs it with one thread anyway (app.py sets OPENBLAS_NUM_THREADS=1).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def fit_and_score(x_train: np.ndarray, y_train: list[str], x_test: np.ndarray, y_test: list[str],
                  groups: list[str]) -> tuple[object, float, float, np.ndarray, float]:
    """(model, held-out accuracy, training accuracy, confusion [k, k], fit seconds)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import confusion_matrix
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=MAX_ITER))
    start = time.perf_counter()
    with one_thread():
        model.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    predicted = model.predict(x_test)
    accuracy = float(np.mean(predicted == np.asarray(y_test)))
    train_accuracy = float(np.mean(model.predict(x_train) == np.asarray(y_train)))
    return model, accuracy, train_accuracy, confusion_matrix(y_test, predicted, labels=groups), seconds


def run_probe(groups: list[str] | None = None, representations: list[str] | None = None) -> ProbeResult:
    """Train and score the probes; the same choice gives the same (deterministic) result, so it is kept."""
    return _run_probe(tuple(check_groups(groups)), tuple(check_representations(representations)))


@lru_cache(maxsize=32)
def _run_probe(chosen: tuple[str, ...], names: tuple[str, ...]) -> ProbeResult:
    from gallery.manifest import load_groups

    chosen = list(chosen)
    titles = {g.key: g.title for g in load_groups()}
    scores, unavailable = [], {}
    train_n = test_n = 0
    test_counts: list[int] = []
    majority = 0.0
    for name in names:
        reason = unavailable_reason(name)
        if reason:
            unavailable[name] = reason
            continue
        train_items, x_train = vectors(name, "gallery")
        test_items, x_test = vectors(name, "heldout")
        keep_train = [i for i, it in enumerate(train_items) if it.group in chosen]
        keep_test = [i for i, it in enumerate(test_items) if it.group in chosen]
        y_train = [train_items[i].group for i in keep_train]
        y_test = [test_items[i].group for i in keep_test]
        _, acc, train_acc, confusion, seconds = fit_and_score(
            x_train[keep_train], y_train, x_test[keep_test], y_test, chosen)
        train_n, test_n = len(y_train), len(y_test)
        test_counts = [y_test.count(g) for g in chosen]
        most = max(chosen, key=lambda g: (y_train.count(g), -chosen.index(g)))
        majority = y_test.count(most) / len(y_test)
        scores.append(ProbeScore(name, LABELS[name], int(x_train.shape[1]), acc, int(round(acc * len(y_test))),
                                 train_acc, confusion, seconds))
    if not scores:
        raise InputError("None of the chosen representations is available here: " +
                         "; ".join(f"{k}: {v}" for k, v in unavailable.items()))
    return ProbeResult(chosen, [titles.get(g, g) for g in chosen], train_n, test_n, test_counts, 1.0 / len(chosen),
                       majority, scores, unavailable)


# -- the public endpoint ----------------------------------------------------------------------------
def probe(groups: list[str] | None = None, representations: list[Representation] | None = None) -> dict:
    """A linear probe: logistic regression on frozen picture vectors, scored on held-out pictures.

    ``groups``: picture groups to tell apart (default all, e.g. ["cats", "fish", "windmills"]);
    ``representations``: any of pixels, efficientnet, bridge, clip (default all that load here).
    Trains on the gallery's pictures of those groups, tests on the held-out pictures of the same groups
    (set aside before the gallery was chosen). Returns {"groups", "train_n", "test_n", "chance" (1/k),
    "majority", "results": [{"name", "dim", "accuracy", "correct", "train_accuracy", "confusion" (rows: true
    group, columns: predicted, in ``groups`` order), "fit_seconds"}], "unavailable": {name: reason}}.
    """
    r = run_probe(groups, representations)
    return {
        "groups": r.groups, "train_n": r.train_n, "test_n": r.test_n, "chance": r.chance, "majority": r.majority,
        "results": [{"name": s.name, "dim": s.dim, "accuracy": s.accuracy, "correct": s.correct,
                     "train_accuracy": s.train_accuracy, "confusion": s.confusion.astype(int).tolist(),
                     "fit_seconds": round(s.fit_seconds, 4)} for s in r.scores],
        "unavailable": r.unavailable,
    }
