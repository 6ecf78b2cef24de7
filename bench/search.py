"""Exact top-k (numpy) vs approximate indexes (faiss HNSW / IVF, hnswlib) on unit vectors.

The data are random normal vectors of dim 512, normalised to unit length, float32;
the queries are 200 more of them (a different seed). This is a stress test, not our
workload: the real gallery holds about 100 vectors, far too few for an index to matter
(an exact ``a @ b.T`` over 100 rows takes microseconds, see the first table), and random
points on a 512-d sphere have no cluster structure, the hardest case for every
approximate index (real embeddings are clustered, so recall is usually higher there).

Per size (10k, 100k, 1M by default):
- build time (single measurement: each index is built once);
- memory: numpy ``nbytes``, ``len(faiss.serialize_index(index))`` (for 1M the same bytes
  are written with ``faiss.write_index`` to a temp file, to avoid a 2 GB copy in memory),
  hnswlib ``save_index`` to a temp file;
- queries/s, one query at a time, all configurations interleaved in rounds
  (each round gives every configuration its next chunk of queries, order alternating);
- recall@10 against the exact top 10.

Memory: 1M x 512 float32 = 2 GB per copy; numpy + faiss HNSW + hnswlib + faiss IVF each
hold one, about 9 GB in all. HNSW on 1M x 512 is slow to build on 2 cores: when the
100k build says that 1M would take longer than ``--max-build-s`` per library, the 1M
build uses a smaller efConstruction and says so.

    .venv/bin/python -m bench.search                 # 10k, 100k, 1M (~15 min)
    .venv/bin/python -m bench.search --quick         # 10k only
    .venv/bin/python -m bench.search --sizes 10000 100000
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import tempfile
import time

import numpy as np

from bench._common import median, table, write_json

DIM = 512
K = 10


def rss_gb() -> dict:
    out = {}
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(("VmRSS", "VmHWM")):
                    out[line.split(":")[0]] = int(line.split()[1]) / 1e6  # kB -> GB
    except OSError:
        pass
    return out


CLUSTERS = 1000  # for --data clustered


def unit_vectors(n: int, seed: int, data: str = "random") -> np.ndarray:
    """n unit vectors: isotropic random normal, or (``clustered``) around 1000 random centres.

    Clustered points are ``centre + noise`` with the noise norm equal to the centre's,
    so a point's cosine with its centre is about 0.7 (closer to how embeddings look).
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    centres = None
    if data == "clustered":
        centres = np.random.default_rng(12345).standard_normal((CLUSTERS, DIM), dtype=np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    for s in range(0, n, 65536):  # in place, in chunks: no float64 temporaries
        block = x[s:s + 65536]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        if centres is not None:
            block += centres[rng.integers(0, CLUSTERS, len(block))]
            block /= np.linalg.norm(block, axis=1, keepdims=True)
    return x


def exact_topk(base: np.ndarray, q: np.ndarray, k: int = K) -> np.ndarray:
    """One query: scores = base @ q, argpartition for the top k, then sort them."""
    scores = base @ q  # [n]
    idx = np.argpartition(-scores, k)[:k]
    return idx[np.argsort(-scores[idx])]


def ground_truth(base: np.ndarray, queries: np.ndarray, k: int = K) -> np.ndarray:
    out = np.empty((len(queries), k), dtype=np.int64)
    for s in range(0, len(queries), 50):
        scores = queries[s:s + 50] @ base.T  # [50, n]
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
        out[s:s + 50] = np.take_along_axis(part, order, axis=1)
    return out


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f[f >= 0]) & set(t)) for f, t in zip(found, truth))
    return hits / truth.size


def faiss_bytes(index, big: bool) -> int:
    import faiss

    if not big:
        return int(faiss.serialize_index(index).size)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "index.faiss")
        faiss.write_index(index, path)
        return os.path.getsize(path)


def hnswlib_bytes(index) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "index.hnsw")
        index.save_index(path)
        return os.path.getsize(path)


def gallery_scale_row(rounds: int) -> list:
    """Exact search over 100 vectors (the real gallery's size), for scale."""
    base, queries = unit_vectors(100, 11), unit_vectors(200, 12)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for q in queries:
            exact_topk(base, q, K)
        times.append((time.perf_counter() - t0) / len(queries))
    return [100, median(times) * 1e6, 1 / median(times)]


def run_size(n: int, args, hnsw_params: dict, notes: list) -> dict:
    import faiss
    import hnswlib

    big = n >= 1_000_000
    t0 = time.perf_counter()
    base = unit_vectors(n, seed=1, data=args.data)
    queries = unit_vectors(args.queries, seed=2, data=args.data)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    truth = ground_truth(base, queries)
    truth_s = time.perf_counter() - t0
    print(f"-- n={n:,}: data {gen_s:.1f}s, ground truth {truth_s:.1f}s, RSS {rss_gb().get('VmRSS', 0):.1f} GB",
          flush=True)

    M, efc = hnsw_params["M"], hnsw_params["efConstruction"]
    builds, sizes = {}, {"numpy exact": int(base.nbytes)}

    faiss.omp_set_num_threads(args.threads)
    t0 = time.perf_counter()
    fh = faiss.IndexHNSWFlat(DIM, M, faiss.METRIC_INNER_PRODUCT)
    fh.hnsw.efConstruction = efc
    fh.add(base)
    builds["faiss HNSWFlat"] = time.perf_counter() - t0
    sizes["faiss HNSWFlat"] = faiss_bytes(fh, big)
    print(f"   faiss HNSWFlat (M={M}, efC={efc}) built in {builds['faiss HNSWFlat']:.1f}s", flush=True)

    t0 = time.perf_counter()
    hl = hnswlib.Index(space="ip", dim=DIM)
    hl.init_index(max_elements=n, M=M, ef_construction=efc, random_seed=100)
    hl.add_items(base, np.arange(n), num_threads=args.threads)
    builds["hnswlib"] = time.perf_counter() - t0
    sizes["hnswlib"] = hnswlib_bytes(hl)
    print(f"   hnswlib (M={M}, efC={efc}) built in {builds['hnswlib']:.1f}s", flush=True)

    nlist = max(16, int(round(math.sqrt(n))))
    n_train = min(n, 50 * nlist)
    t0 = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIM)
    ivf = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    train = base[np.random.default_rng(3).choice(n, n_train, replace=False)] if n_train < n else base
    ivf.train(train)
    del train
    ivf.add(base)
    builds["faiss IVFFlat"] = time.perf_counter() - t0
    sizes["faiss IVFFlat"] = faiss_bytes(ivf, big)
    print(f"   faiss IVFFlat (nlist={nlist}, trained on {n_train:,}) built in {builds['faiss IVFFlat']:.1f}s, "
          f"RSS {rss_gb().get('VmRSS', 0):.1f} GB", flush=True)

    # configurations: (name, family, setter, one-query search, batch search)
    def faiss_hnsw(ef):
        def setp():
            fh.hnsw.efSearch = ef
        return setp

    def hl_ef(ef):
        def setp():
            hl.set_ef(ef)
        return setp

    def ivf_probe(p):
        def setp():
            ivf.nprobe = p
        return setp

    configs = [("numpy exact", "numpy exact", lambda: None,
                lambda q: exact_topk(base, q), None)]
    for ef in args.ef_search:
        configs.append((f"faiss HNSW efSearch={ef}", "faiss HNSWFlat", faiss_hnsw(ef),
                        lambda q: fh.search(q[None, :], K), lambda Q: fh.search(Q, K)[1]))
    for ef in args.ef_search:
        configs.append((f"hnswlib ef={ef}", "hnswlib", hl_ef(ef),
                        lambda q: hl.knn_query(q[None, :], k=K, num_threads=1),
                        lambda Q: hl.knn_query(Q, k=K, num_threads=args.threads)[0].astype(np.int64)))
    for p in args.nprobe:
        configs.append((f"faiss IVF nprobe={p}", "faiss IVFFlat", ivf_probe(p),
                        lambda q: ivf.search(q[None, :], K), lambda Q: ivf.search(Q, K)[1]))

    recalls = {}
    for name, _, setp, _, batch in configs:
        setp()
        recalls[name] = 1.0 if batch is None else recall(batch(queries), truth)

    # queries/s: rounds; each round gives every config its next chunk, order alternating
    chunk = max(1, args.queries // args.rounds)
    done = {c[0]: 0 for c in configs}
    spent = {c[0]: 0.0 for c in configs}
    per_round = {c[0]: [] for c in configs}
    for r in range(args.rounds):
        order = configs if r % 2 == 0 else configs[::-1]
        for name, _, setp, one, _ in order:
            setp()
            start = (r * chunk) % len(queries)
            t0 = time.perf_counter()
            m = 0
            for i in range(chunk):
                one(queries[(start + i) % len(queries)])
                m += 1
                if m >= 3 and time.perf_counter() - t0 > args.round_budget_s:
                    break  # exact search at 1M: a few queries per round are enough
            dt = time.perf_counter() - t0
            done[name] += m
            spent[name] += dt
            per_round[name].append(m / dt)

    mem = rss_gb()
    rows = []
    for name, family, *_ in configs:
        rows.append([name, builds.get(family, 0.0), sizes[family] / 1e6, median(per_round[name]),
                     1e3 / median(per_round[name]), recalls[name], done[name]])
    table(["method", "build s", "size MB", "queries/s", "ms/query", "recall@10", "queries timed"], rows,
          title=f"== n={n:,} x {DIM} float32 unit vectors ({args.data}), k={K}, one query at a time "
                f"(HNSW M={M}, efConstruction={efc}; IVF nlist={nlist}); process RSS {mem.get('VmRSS', 0):.1f} GB")
    exact_qps = median(per_round["numpy exact"])
    result = {
        "n": n, "dim": DIM, "k": K, "data": args.data, "hnsw": {"M": M, "efConstruction": efc}, "ivf": {"nlist": nlist, "n_train": n_train},
        "data_seconds": gen_s, "ground_truth_seconds": truth_s, "build_seconds": builds, "size_bytes": sizes,
        "configs": {name: {"family": fam, "queries_per_s": median(per_round[name]), "recall_at_10": recalls[name],
                           "queries_timed": done[name], "speedup_vs_exact": median(per_round[name]) / exact_qps,
                           "per_round_qps": per_round[name]} for name, fam, *_ in configs},
        "rss_gb": mem, "notes": list(notes),
    }
    del fh, hl, ivf, quantizer, base, queries, truth, configs
    gc.collect()
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="10k only")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data", choices=["random", "clustered"], default="random",
                        help="random normal (default, the hardest case) or 1000 clusters")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-budget-s", type=float, default=3.0,
                        help="stop a configuration's chunk after this long (exact search at 1M)")
    parser.add_argument("--M", type=int, default=16, help="HNSW links per node (faiss and hnswlib)")
    parser.add_argument("--ef-construction", type=int, default=64)
    parser.add_argument("--ef-search", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--nprobe", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for building")
    parser.add_argument("--max-build-s", type=float, default=300.0,
                        help="if a 1M HNSW build is estimated to take longer (per library), lower efConstruction")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else sorted(args.sizes)
    started = time.perf_counter()
    load0 = os.getloadavg()

    g = gallery_scale_row(args.rounds)
    table(["n", "us/query", "queries/s"], [g],
          title="== for scale: exact numpy top-10 over 100 vectors (the real gallery is ~100 items)")

    results, notes = [], []
    params = {"M": args.M, "efConstruction": args.ef_construction}
    prev = None
    for n in sizes:
        size_params = dict(params)
        if prev is not None and n > prev["n"]:
            per_lib = max(prev["build_seconds"]["faiss HNSWFlat"], prev["build_seconds"]["hnswlib"])
            estimate = per_lib * (n / prev["n"]) * (math.log(n) / math.log(prev["n"]))
            if estimate > args.max_build_s:
                # build time grows about as sqrt(efConstruction) here (measured: 1M at efC 27 took
                # ~0.56x the linear estimate for efC 64), so scale efC by the squared ratio; never below M
                efc = max(params["M"], int(params["efConstruction"] * (args.max_build_s / estimate) ** 2))
                note = (f"n={n:,}: HNSW efConstruction lowered from {params['efConstruction']} to {efc}: with "
                        f"{params['efConstruction']} each build was estimated at {estimate:.0f}s "
                        f"(from the n={prev['n']:,} build), over --max-build-s {args.max_build_s:.0f}s")
                print("   " + note, flush=True)
                notes.append(note)
                size_params["efConstruction"] = efc
        res = run_size(n, args, size_params, [x for x in notes if x.startswith(f"n={n:,}")])
        results.append(res)
        prev = res if size_params == params else prev or res

    summary = []
    for res in results:
        for name, c in res["configs"].items():
            if name == "numpy exact" or name.endswith(("efSearch=64", "ef=64", "nprobe=8")):
                summary.append([f"{res['n']:,}", name, c["queries_per_s"], c["speedup_vs_exact"], c["recall_at_10"],
                                res["build_seconds"].get(c["family"], 0.0),
                                res["size_bytes"][c["family"]] / res["size_bytes"]["numpy exact"]])
    table(["n", "method", "queries/s", "x exact", "recall@10", "build s", "size / numpy"], summary,
          title="== summary (speed and size as ratios to exact numpy measured in the same run)")
    write_json("search" if args.data == "random" else f"search_{args.data}", {"gallery_scale": {"n": 100, "us_per_query": g[1]}, "sizes": results, "notes": notes,
                          "args": vars(args), "loadavg_start": load0, "loadavg_end": os.getloadavg(),
                          "peak_rss_gb": rss_gb().get("VmHWM"), "seconds_total": time.perf_counter() - started})
    return {"sizes": results}


if __name__ == "__main__":
    main()
