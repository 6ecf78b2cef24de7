"""Fast nearest-neighbour search: exact, HNSW (hnswlib) and IVF (faiss) on GloVe and on the gallery.

Pure computation, no Gradio. Each vector set is scaled to length 1 (cosine = inner product) and indexed
once per process, behind a lock, with progress; the indexes are also saved with the libraries' own
writers in the cache folder (``space.ann``: sha256-checked, no pickle) so a restart loads them.

Every number is measured here, in this process:
- **recall@10**: for each query row, the share of its exact 10 nearest other rows that the index
  returns, averaged; the exact lists come from one matrix product over all rows (``space.ann.exact_batch``),
  never from the index itself. Query rows are rows of the set, so the query's own row is left out of both.
- **queries/s**: one query at a time on one thread, cycling through the queries for about 0.15 s.
  Each (set, index, setting, queries) is measured once and remembered, so moving a slider back shows the
  same point rather than a new noisy one.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

from lessons.vector_sets import GLOVE_SIZES, load_set, set_label
from media.errors import InputError
from space import ann
from space.stats import l2_normalise, recall_at_k

K = 10
INDEXES = ("exact", "hnsw", "ivf")
EF_GRID = (10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
NPROBE_GRID = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MAX_EF, MAX_QUERIES, MAX_WORDS = 1024, 1000, 40
DEFAULT_SET = "glove-100k"
DEFAULT_QUERIES = "200"
HNSW = ann.HnswConfig(M=16, ef_construction=64)
TIMING_BUDGET_S = 0.15  # per setting, in TIMING_ROUNDS slices
TIMING_ROUNDS = 3
SETS = tuple(GLOVE_SIZES) + ("efficientnet-images", "minilm-texts", "yamnet-sounds")
Progress = Callable[[float, str], None]


def build_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def cache_folder() -> str:
    root = os.environ.get("EMBEDDING_LAB_CACHE") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), ".cache")
    return os.path.join(root, "ann")


@dataclass
class Built:
    kind: str  # "exact" | "hnsw" | "ivf"
    index: object = field(repr=False)
    build_seconds: float  # the build as measured (when loaded from disk: as measured then)
    bytes: int
    config: dict
    loaded_from_disk: bool = False


@dataclass
class Point:
    index: str
    param: int  # ef, nprobe, or 0 for exact
    recall: float
    qps: float
    timed: int  # queries timed


@dataclass
class Prepared:
    name: str
    label: str
    labels: list[str] = field(repr=False)
    base: np.ndarray = field(repr=False)  # [n, d] unit rows
    row_of: Callable[[str], int] = field(repr=False)
    built: dict[str, Built] = field(default_factory=dict)
    points: dict[tuple, Point] = field(default_factory=dict)
    truths: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # one measurement at a time

    @property
    def n(self) -> int:
        return int(self.base.shape[0])

    @property
    def nlist(self) -> int:
        return int(self.built["ivf"].config["nlist"])


_prepared: dict[str, Prepared] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def check_set(name: str) -> str:
    name = (name or "").strip().lower()
    if name not in SETS:
        raise InputError(f"There is no vector set called '{name[:40]}' for this lesson; use one of: {', '.join(SETS)}.")
    return name


def _vectors(name: str) -> tuple[np.ndarray, list[str], Callable[[str], int]]:
    vset = load_set(name)
    if name in GLOVE_SIZES:
        from encoders import get_encoder

        base = get_encoder("glove").unit[: vset.n]  # [n, 50] the encoder's unit rows (a view, no copy)
    else:
        base = l2_normalise(vset.vectors)
    return np.ascontiguousarray(base, dtype=np.float32), vset.labels, vset.row_of


def _build_or_load(kind: str, base: np.ndarray, name: str, digest: str, progress: Progress | None) -> Built:
    config = HNSW if kind == "hnsw" else ann.ivf_config(len(base))
    key = ann.cache_key(kind, digest, config)
    file_name = f"{name}-{key[:16]}"
    folder = cache_folder()
    got = ann.load(kind, folder, file_name, key, base.shape[1], len(base))
    if got is not None:
        index, note = got
        return Built(kind, index, float(note.get("build_seconds", 0.0)), ann.index_bytes(index, kind),
                     dict(note.get("config", {})), True)
    t0 = time.perf_counter()
    if kind == "hnsw":
        index = ann.build_hnsw(base, config, build_threads(), progress, "HNSW graph")
    else:
        index = ann.build_ivf(base, config, build_threads(), progress, "IVF cells")
    seconds = time.perf_counter() - t0
    conf = {"M": config.M, "ef_construction": config.ef_construction} if kind == "hnsw" else \
        {"nlist": config.nlist, "train_size": config.train_size}
    try:
        ann.save(index, kind, folder, file_name, key, {"build_seconds": seconds, "config": conf, "set": name,
                                                       "threads": build_threads()})
    except OSError:
        pass  # a read-only disk: the index still works, it is only rebuilt after a restart
    return Built(kind, index, seconds, ann.index_bytes(index, kind), conf, False)


def _exact(base: np.ndarray) -> Built:
    """Exact search: faiss ``IndexFlatIP`` compares the query with every row (no shortcut)."""
    import faiss

    t0 = time.perf_counter()
    index = faiss.IndexFlatIP(base.shape[1])
    index.add(base)
    return Built("exact", index, time.perf_counter() - t0, int(base.nbytes), {"library": "faiss IndexFlatIP"})


def prepared(name: str = DEFAULT_SET, progress: Progress | None = None) -> Prepared:
    """The set's unit rows and its HNSW and IVF indexes, built (or loaded) once per process."""
    name = check_set(name)
    with _guard:
        if name in _prepared:
            return _prepared[name]
        lock = _locks.setdefault(name, threading.Lock())
    with lock:
        with _guard:
            if name in _prepared:
                return _prepared[name]
        base, labels, row_of = _vectors(name)
        digest = ann.data_digest(base)

        def part(lo: float, hi: float):
            return None if progress is None else (lambda f, msg: progress(lo + (hi - lo) * f, msg))

        built = {"exact": _exact(base),
                 "hnsw": _build_or_load("hnsw", base, name, digest, part(0.0, 0.8)),
                 "ivf": _build_or_load("ivf", base, name, digest, part(0.8, 1.0))}
        state = Prepared(name, set_label(name), labels, base, row_of, built)
        with _guard:
            _prepared[name] = state
        return state


# -- queries ---------------------------------------------------------------------------------------------
def query_rows(state: Prepared, queries: str | int | None) -> tuple[np.ndarray, str, bool]:
    """(rows, key, typed): a count of random rows (seed 0), or typed words / captions."""
    text = str(DEFAULT_QUERIES if queries is None else queries).strip()
    if not text:
        text = DEFAULT_QUERIES
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= MAX_QUERIES:
            raise InputError(f"Ask for 1 to {MAX_QUERIES:,} random queries, or type words separated by commas.")
        count = min(count, state.n)
        rows = np.sort(np.random.default_rng(0).choice(state.n, count, replace=False))
        return rows, f"count:{count}", False
    parts = [p.strip() for p in (text.split(",") if "," in text else text.split()) if p.strip()]
    if len(parts) > MAX_WORDS:
        raise InputError(f"Type at most {MAX_WORDS} queries (you typed {len(parts)}).")
    rows = np.array(sorted({state.row_of(p) for p in parts}), dtype=np.int64)
    return rows, "rows:" + ",".join(map(str, rows)), True


def truth(state: Prepared, rows: np.ndarray, key: str) -> np.ndarray:
    """The exact 10 nearest other rows of each query row: one matrix product over all rows. [nq, 10]"""
    if key not in state.truths:
        if len(state.truths) > 32:
            state.truths.clear()
        state.truths[key] = ann.exact_batch(state.base, state.base[rows], K, exclude=rows)
    return state.truths[key]


def searcher(state: Prepared, kind: str, param: int) -> Callable[[np.ndarray], np.ndarray]:
    """One query -> its K+1 best rows (the query's own row among them, usually first). Sets ef / nprobe."""
    built = state.built[kind]
    if kind == "hnsw":
        built.index.set_ef(max(int(param), K + 1))
        return lambda q: built.index.knn_query(q, k=K + 1, num_threads=1)[0][0]
    if kind == "ivf":
        built.index.nprobe = int(param)
    return lambda q: built.index.search(q[None, :], K + 1)[1][0]


def found(state: Prepared, kind: str, param: int, rows: np.ndarray) -> np.ndarray:
    """What the index returns for each query row, its own row left out: [nq, 10] (-1 where it found fewer)."""
    queries = state.base[rows]
    if kind == "hnsw":
        raw = ann.hnsw_search(state.built["hnsw"].index, queries, K + 1, param, threads=build_threads())
    else:
        import faiss

        faiss.omp_set_num_threads(build_threads())
        index = state.built[kind].index
        if kind == "ivf":
            index.nprobe = int(param)
        raw = index.search(queries, K + 1)[1].astype(np.int64)
        faiss.omp_set_num_threads(1)
    return ann.drop_self(raw, rows, K)


def check_param(state: Prepared, kind: str, ef: int, nprobe: int) -> int:
    if kind not in INDEXES:
        raise InputError(f"Unknown index '{str(kind)[:20]}'; use exact, hnsw or ivf.")
    if kind == "hnsw":
        if not K <= int(ef) <= MAX_EF:
            raise InputError(f"ef must be between {K} (the k we ask for) and {MAX_EF}.")
        return int(ef)
    if kind == "ivf":
        if not 1 <= int(nprobe) <= state.nlist:
            raise InputError(f"nprobe must be between 1 and {state.nlist}: this IVF index has {state.nlist} cells.")
        return int(nprobe)
    return 0


def measure_many(state: Prepared, settings: list[tuple[str, int]], rows: np.ndarray, key: str,
                 progress: Progress | None = None) -> list[Point]:
    """Recall@10 against exact search and queries/s of each (index, setting), measured once, then remembered.

    Queries/s: ``TIMING_ROUNDS`` short slices per setting, the settings interleaved (order alternating each
    round), the median slice; a busy shared machine then slows every setting alike instead of a few.
    """
    import faiss

    with state.lock:
        todo = [s for s in dict.fromkeys(settings) if (s[0], int(s[1]), key) not in state.points]
        if todo:
            faiss.omp_set_num_threads(1)
            truth_rows = truth(state, rows, key)
            recalls = {}
            for i, (kind, param) in enumerate(todo):
                if progress is not None:
                    progress(i / (2 * len(todo)), f"recall of {kind} {param or ''}".strip())
                recalls[(kind, param)] = recall_at_k(found(state, kind, param, rows), truth_rows)
            rates: dict = {s: [] for s in todo}
            timed = dict.fromkeys(todo, 0)
            queries = state.base[rows]
            for r in range(TIMING_ROUNDS):
                if progress is not None:
                    progress(0.5 + 0.5 * r / TIMING_ROUNDS, f"timing, round {r + 1} of {TIMING_ROUNDS}")
                for kind, param in (todo if r % 2 == 0 else todo[::-1]):
                    qps, n = ann.queries_per_second(searcher(state, kind, param), queries,
                                                    TIMING_BUDGET_S / TIMING_ROUNDS, start=r * 7)
                    rates[(kind, param)].append(qps)
                    timed[(kind, param)] += n
            if len(state.points) > 2_000:
                state.points.clear()
            for s in todo:
                state.points[(s[0], int(s[1]), key)] = Point(s[0], int(s[1]), recalls[s],
                                                             float(np.median(rates[s])), timed[s])
        return [state.points[(kind, int(param), key)] for kind, param in settings]


def measure(state: Prepared, kind: str, param: int, rows: np.ndarray, key: str) -> Point:
    return measure_many(state, [(kind, int(param))], rows, key)[0]


def curve(state: Prepared, rows: np.ndarray, key: str, progress: Progress | None = None) -> list[Point]:
    """Exact, then HNSW over ``EF_GRID`` and IVF over ``NPROBE_GRID`` (up to the number of cells)."""
    grid = [("exact", 0)] + [("hnsw", ef) for ef in EF_GRID] + [("ivf", p) for p in NPROBE_GRID if p <= state.nlist]
    return measure_many(state, grid, rows, key, progress)


@dataclass
class AnnResult:
    state: Prepared = field(repr=False)
    index: str
    param: int
    point: Point
    exact: Point
    queries: int

    def as_json(self) -> dict:
        built = self.state.built[self.index]
        params = {"hnsw": {"ef": self.param}, "ivf": {"nprobe": self.param}}.get(self.index, {})
        return {"index": self.index, "params": params, "recall_at_10": self.point.recall, "qps": self.point.qps,
                "exact_qps": self.exact.qps, "speedup": self.point.qps / self.exact.qps,
                "build_seconds": built.build_seconds, "bytes": built.bytes, "config": built.config,
                "vectors": self.state.name, "n": self.state.n, "dim": int(self.state.base.shape[1]),
                "queries": self.queries, "k": K}


def run_ann(index: str = "hnsw", ef: int = 64, nprobe: int = 8, queries: str = DEFAULT_QUERIES,
            vectors: str = DEFAULT_SET, progress: Progress | None = None) -> AnnResult:
    state = prepared(vectors, progress)
    param = check_param(state, index, ef, nprobe)
    rows, key, _ = query_rows(state, queries)
    return AnnResult(state, index, param, measure(state, index, param, rows, key),
                     measure(state, "exact", 0, rows, key), len(rows))


def neighbour_lists(state: Prepared, kind: str, param: int, rows: np.ndarray) -> list[tuple[int, list[int], list[int]]]:
    """For a few query rows: (row, exact 10 nearest, what the index returned)."""
    with state.lock:
        got = found(state, kind, param, rows)
    exact = ann.exact_batch(state.base, state.base[rows], K, exclude=rows)
    return [(int(r), e.tolist(), g.tolist()) for r, e, g in zip(rows, exact, got)]


# -- the public endpoint ----------------------------------------------------------------------------
def ann_search(index: Literal["exact", "hnsw", "ivf"] = "hnsw", ef: int = 64, nprobe: int = 8,
               queries: str = DEFAULT_QUERIES, vectors: str = DEFAULT_SET) -> dict:
    """Search a vector set exactly, with HNSW (hnswlib) or with IVF (faiss), and measure it.

    ``index``: exact | hnsw | ivf; ``ef``: HNSW candidates kept while searching (10-1024); ``nprobe``: IVF
    cells searched (1 to the number of cells); ``queries``: a count of random rows ("200") or words /
    captions separated by commas ("king, frog, paris"); ``vectors``: glove-20k, glove-100k, glove (all
    400,000 words: the first call builds its indexes, about a minute on 2 cores), efficientnet-images,
    minilm-texts, yamnet-sounds.
    Returns {"index", "params", "recall_at_10", "qps", "exact_qps", "build_seconds", "bytes", ...}:
    recall@10 against exact search of the same rows, queries/s one at a time on one thread.
    """
    return run_ann(index, ef, nprobe, queries, vectors).as_json()
