"""Nearest-neighbour indexes over unit vectors (inner product = cosine): exact, HNSW (hnswlib), IVF (faiss).

No Gradio. Used by the "Fast nearest-neighbour search" lesson and by ``bench/search.py``.

- exact: one matrix-vector product over every row, then the k largest (numpy);
- HNSW (Malkov & Yashunin 2018, hnswlib): a layered graph of near neighbours, searched greedily;
  ``ef`` = how many candidates the search keeps (larger: slower, finds more of the true neighbours);
- IVF (faiss ``IndexIVFFlat``): k-means cuts the space into ``nlist`` cells; a query looks only in
  the ``nprobe`` cells whose centres are nearest to it.

Indexes are saved with the libraries' own writers (``hnswlib.Index.save_index``,
``faiss.write_index``: no pickle) next to a JSON note of what they hold and a sha256 of the file,
checked before a file is loaded; anything that does not match is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile
import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

Progress = Callable[[float, str], None]
CACHE_VERSION = "1"


@dataclass(frozen=True)
class HnswConfig:
    M: int = 16  # links per node
    ef_construction: int = 100  # candidates kept while inserting (graph quality vs build time)
    seed: int = 100


@dataclass(frozen=True)
class IvfConfig:
    nlist: int  # k-means cells
    train_size: int  # rows k-means is trained on (a fixed random sample)
    seed: int = 0


def ivf_config(n: int) -> IvfConfig:
    """About 2 sqrt(n) cells, at least 39 training rows per cell (faiss's own rule of thumb), at most 100k rows."""
    nlist = max(1, min(int(round(2 * math.sqrt(n))), n // 39))
    return IvfConfig(nlist, min(n, max(39 * nlist, min(n, 100_000))))


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


# -- building ----------------------------------------------------------------------------------------
def build_hnsw(x: np.ndarray, config: HnswConfig = HnswConfig(), threads: int = 1,
               progress: Progress | None = None, label: str = "HNSW"):
    """hnswlib HNSW over the rows of ``x`` [n, d] (unit float32), ids = row numbers."""
    import hnswlib

    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    index = hnswlib.Index(space="ip", dim=d)
    index.init_index(max_elements=n, M=config.M, ef_construction=config.ef_construction, random_seed=config.seed)
    step = max(1_000, n // 25)
    for s in range(0, n, step):
        _report(progress, s / n, f"{label}: inserting rows {s:,}-{min(n, s + step):,} of {n:,}")
        index.add_items(x[s:s + step], np.arange(s, min(n, s + step)), num_threads=threads)
    _report(progress, 1.0, f"{label}: {n:,} rows inserted")
    return index


def build_faiss_hnsw(x: np.ndarray, config: HnswConfig = HnswConfig(), threads: int = 1):
    """faiss ``IndexHNSWFlat`` (inner product) with the same M and efConstruction (for the benchmark)."""
    import faiss

    faiss.omp_set_num_threads(threads)
    index = faiss.IndexHNSWFlat(x.shape[1], config.M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = config.ef_construction
    index.add(np.ascontiguousarray(x, dtype=np.float32))
    return index


def build_ivf(x: np.ndarray, config: IvfConfig, threads: int = 1, progress: Progress | None = None,
              label: str = "IVF"):
    """faiss ``IndexIVFFlat`` (inner product): k-means on a fixed sample, then every row into its cell."""
    import faiss

    faiss.omp_set_num_threads(threads)
    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    train = x
    if config.train_size < n:
        train = x[np.sort(np.random.default_rng(config.seed).choice(n, config.train_size, replace=False))]
    _report(progress, 0.0, f"{label}: k-means, {config.nlist:,} cells from {len(train):,} rows")
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, config.nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = config.seed
    index.train(train)
    step = max(10_000, n // 10)
    for s in range(0, n, step):
        _report(progress, 0.5 + 0.5 * s / n, f"{label}: filing rows {s:,}-{min(n, s + step):,} of {n:,} into cells")
        index.add(x[s:s + step])
    _report(progress, 1.0, f"{label}: {n:,} rows filed")
    return index


# -- searching ---------------------------------------------------------------------------------------
def exact_one(base: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    """One query, exact: scores = base @ q, the k largest, best first. [k]"""
    scores = base @ q  # [n]
    k = min(k, len(scores))
    idx = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return idx[np.argsort(-scores[idx], kind="stable")]


def exact_batch(base: np.ndarray, queries: np.ndarray, k: int, exclude: np.ndarray | None = None,
                chunk: int = 32) -> np.ndarray:
    """Ground truth: the exact top k of each query (ties to the lower row), ``exclude`` [nq] rows left out."""
    from space.stats import top_k_rows

    out = []
    for s in range(0, len(queries), chunk):
        scores = queries[s:s + chunk] @ base.T  # [chunk, n]
        out.append(top_k_rows(scores, k, None if exclude is None else exclude[s:s + chunk]))
    return np.concatenate(out) if out else np.zeros((0, k), dtype=np.int64)


def hnsw_search(index, queries: np.ndarray, k: int, ef: int, threads: int = 1) -> np.ndarray:
    index.set_ef(max(int(ef), k))
    labels, _ = index.knn_query(np.atleast_2d(queries), k=k, num_threads=threads)
    return labels.astype(np.int64)


def ivf_search(index, queries: np.ndarray, k: int, nprobe: int) -> np.ndarray:
    index.nprobe = int(nprobe)
    _, labels = index.search(np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32), k)
    return labels.astype(np.int64)  # -1 where fewer than k rows were found in the probed cells


def drop_self(found: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """From k+1 results per query, the k that are not the query's own row (or the first k if it was missed)."""
    out = np.empty((len(found), k), dtype=np.int64)
    for i, (f, r) in enumerate(zip(found, rows)):
        kept = f[f != r]
        out[i] = kept[:k] if len(kept) >= k else np.pad(kept, (0, k - len(kept)), constant_values=-1)
    return out


def queries_per_second(search_one: Callable[[np.ndarray], object], queries: np.ndarray, budget_s: float = 0.15,
                       max_queries: int = 2_000, start: int = 0, min_queries: int = 3) -> tuple[float, int]:
    """Queries/s, one query at a time, cycling through ``queries`` (from ``start``) until ``budget_s`` has passed
    and at least ``min_queries`` were timed (at most ``max_queries``). One untimed warm-up query first.
    Returns (queries/s, queries timed)."""
    n = len(queries)
    search_one(queries[start % n])
    done, t0 = 0, time.perf_counter()
    while True:
        search_one(queries[(start + done) % n])
        done += 1
        elapsed = time.perf_counter() - t0
        if done >= max_queries or (elapsed >= budget_s and done >= min(min_queries, n)):
            return done / max(elapsed, 1e-9), done


def index_bytes(index, kind: str) -> int:
    """Memory the index holds, as its serialised size."""
    if kind == "hnsw":
        return int(index.index_file_size())
    import faiss

    return int(faiss.serialize_index(index).size)


# -- the on-disk cache ----------------------------------------------------------------------------------
def data_digest(x: np.ndarray) -> str:
    h = hashlib.sha256(str(x.shape).encode())
    x = np.ascontiguousarray(x, dtype=np.float32)
    step = 1 << 16
    for s in range(0, len(x), step):
        h.update(x[s:s + step].tobytes())
    return h.hexdigest()


def library_version(kind: str) -> str:
    from importlib.metadata import version

    return f"hnswlib {version('hnswlib')}" if kind == "hnsw" else f"faiss-cpu {version('faiss-cpu')}"


def cache_key(kind: str, data: str, config) -> str:
    text = json.dumps({"v": CACHE_VERSION, "kind": kind, "data": data, "config": asdict(config),
                       "library": library_version(kind)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save(index, kind: str, folder: str, name: str, key: str, meta: dict) -> str:
    """Write the index with its library's writer, then a note with the key and the file's sha256."""
    import faiss

    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.{kind}")
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        if kind == "hnsw":
            index.save_index(tmp)
        else:
            faiss.write_index(index, tmp)
        note = dict(meta, key=key, sha256=_sha256_file(tmp), bytes=os.path.getsize(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    with open(path + ".json.part", "w", encoding="utf-8") as fh:
        json.dump(note, fh)
    os.replace(path + ".json.part", path + ".json")
    return path


def load(kind: str, folder: str, name: str, key: str, dim: int, n: int):
    """(index, note) if a saved index with this exact key is intact, else None. Nothing is unpickled."""
    import faiss
    import hnswlib

    path = os.path.join(folder, f"{name}.{kind}")
    try:
        with open(path + ".json", encoding="utf-8") as fh:
            note = json.load(fh)
        info = os.stat(path, follow_symlinks=False)
        if (not isinstance(note, dict) or note.get("key") != key or not stat.S_ISREG(info.st_mode)
                or info.st_size != note.get("bytes") or _sha256_file(path) != note.get("sha256")):
            return None
        if kind == "hnsw":
            index = hnswlib.Index(space="ip", dim=dim)
            index.load_index(path, max_elements=n)
            if index.get_current_count() != n:
                return None
        else:
            index = faiss.read_index(path)
            if index.ntotal != n or index.d != dim:
                return None
        return index, note
    except (OSError, ValueError, RuntimeError, TypeError):
        return None
