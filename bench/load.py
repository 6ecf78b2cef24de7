"""A bounded load test on loopback: many gradio_client users for a fixed time, then a burst.

1. Sustained load: the app in a subprocess on 127.0.0.1 (warm-up on, models loaded
   before the clock starts); ``--users`` threads, each with its own ``Client``, send
   requests back to back for ``--seconds`` (a mix: text /embed, image /similarity,
   audio /embed, text->images /search, in rotation). Users stop starting requests at
   the deadline; requests in flight get ``--timeout`` seconds. Reports requests served,
   errors grouped by message, p50 / p95 latency and throughput, overall and per kind.
2. Burst beyond the queue: a second app with ``EMBEDDING_LAB_QUEUE_SIZE=--queue-size``
   (default 4); ``--burst`` clients (default 30) fire one /similarity request each at
   the same moment. Counts answers, clean "queue full" rejections (HTTP 503 ->
   ``QueueError``), timeouts and other errors.

Everything runs on 127.0.0.1 and stops by itself; both apps are terminated at the end.
Clients are ``Client(url, ssl_verify=False)`` unless ``--ssl-verify``: over plain http that
only skips httpx building an SSL context (~50 ms of CPU) for every HTTP request, CPU that
the load generator would otherwise take from the app on the same 2 cores.

    .venv/bin/python -m bench.load                         # 20 users x 60 s, then the burst
    .venv/bin/python -m bench.load --users 5 --seconds 15  # shorter
    .venv/bin/python -m bench.load --no-burst
"""
from __future__ import annotations

import argparse
import collections
import os
import threading
import time

from bench._common import AppProcess, gallery_paths, gallery_texts, percentile, table, write_json

QUERIES = ["a cup of coffee", "a cat", "a rocket launch", "the night sky", "a flower", "a horse"]


def request_kinds():
    """kind -> function(i) returning (args, api_name); i varies the inputs a little."""
    from gradio_client import handle_file

    texts = gallery_texts()
    images = list(gallery_paths("images").values())
    sounds = list(gallery_paths("sounds").values())
    return {
        "text /embed": lambda i: (("text", "\n".join(texts[i % 40:i % 40 + 5]), [], ""), "/embed"),
        "image /similarity": lambda i: (("image", "", [handle_file(images[(i + j) % len(images)]) for j in range(3)], ""),
                                        "/similarity"),
        "audio /embed": lambda i: (("audio", "", [handle_file(sounds[i % len(sounds)])], ""), "/embed"),
        "search text->images": lambda i: (("text", QUERIES[i % len(QUERIES)], None, "images", 5, [], "auto"),
                                          "/search"),
    }


def classify(exc: BaseException) -> str:
    import concurrent.futures

    msg = str(exc)
    if isinstance(exc, (TimeoutError, concurrent.futures.TimeoutError)):
        return "timeout"
    if type(exc).__name__ == "QueueError" or "queue is full" in msg.lower():
        return "queue full"
    return f"{type(exc).__name__}: {msg[:160]}"


def timed_request(client, args, api: str, timeout: float) -> dict:
    """One request, waited for: {"ok", "latency"} and, when it failed, "error" (``classify``'s words)."""
    t0 = time.perf_counter()
    rec: dict = {}
    try:
        client.submit(*args, api_name=api).result(timeout=timeout)
        rec["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - every outcome is counted
        rec["ok"] = False
        rec["error"] = classify(exc)
    rec["latency"] = time.perf_counter() - t0
    return rec


def start_warm_app(env: dict, log_name: str) -> AppProcess:
    from gradio_client import Client

    app = AppProcess(env={"EMBEDDING_LAB_WARMUP": "1", **env}, log_name=log_name)
    try:
        ready = app.wait_ready()
        c = Client(app.url, verbose=False, ssl_verify=False)
        for kind, make in request_kinds().items():  # load the bridge and every code path once
            args, api = make(0)
            c.predict(*args, api_name=api)
        app.ready_s = ready
        return app
    except Exception:
        app.stop()
        raise


def sustained(url: str, users: int, seconds: float, timeout: float, client_kw: dict) -> dict:
    from gradio_client import Client

    kinds = request_kinds()
    names = list(kinds)
    clients = [Client(url, verbose=False, **client_kw) for _ in range(users)]
    records: list[dict] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users + 1)
    box = {}

    def user(uid: int, client):
        barrier.wait()
        i = uid
        while time.perf_counter() < box["deadline"]:
            kind = names[i % len(names)]
            args, api = kinds[kind](i)
            rec = {"user": uid, "kind": kind, "start": time.perf_counter() - box["t0"]}
            rec.update(timed_request(client, args, api, timeout))
            with lock:
                records.append(rec)
            i += 1

    threads = [threading.Thread(target=user, args=(u, c), daemon=True) for u, c in enumerate(clients)]
    for t in threads:
        t.start()
    box["t0"] = time.perf_counter()
    box["deadline"] = box["t0"] + seconds
    barrier.wait()
    for t in threads:
        t.join(timeout=seconds + timeout + 30)
    wall = time.perf_counter() - box["t0"]
    return {"records": records, "wall_s": wall, "stuck_users": sum(t.is_alive() for t in threads)}


def burst(url: str, n: int, timeout: float, client_kw: dict) -> dict:
    from gradio_client import Client, handle_file

    images = [gallery_paths("images")[i] for i in ("cat", "horse", "coffee", "rocket", "galaxies", "moon",
                                                  "astronaut", "flower")]
    clients = [Client(url, verbose=False, **client_kw) for _ in range(n)]
    barrier = threading.Barrier(n)
    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()

    def fire(c):
        barrier.wait()
        t0 = time.perf_counter()
        try:
            c.submit("image", "", [handle_file(p) for p in images], "", api_name="/similarity").result(timeout=timeout)
            out = "answered"
        except BaseException as exc:  # noqa: BLE001
            out = classify(exc)
        with lock:
            outcomes.append((out, time.perf_counter() - t0))

    threads = [threading.Thread(target=fire, args=(c,), daemon=True) for c in clients]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout + 30)
    return {"outcomes": outcomes, "wall_s": time.perf_counter() - t0}


def summarise(records: list[dict], wall: float) -> tuple[list, dict]:
    rows, out = [], {}
    by_kind = collections.defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    for kind, recs in [("all", records), *sorted(by_kind.items())]:
        ok = [r["latency"] for r in recs if r["ok"]]
        errs = [r for r in recs if not r["ok"]]
        out[kind] = {"served": len(ok), "errors": len(errs), "p50_s": percentile(ok, 50), "p95_s": percentile(ok, 95),
                     "max_s": max(ok) if ok else None, "throughput_per_s": len(ok) / wall}
        rows.append([kind, len(ok), len(errs), percentile(ok, 50) * 1e3, percentile(ok, 95) * 1e3,
                     (max(ok) if ok else float("nan")) * 1e3, len(ok) / wall])
    return rows, out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a request may take before it counts as a timeout")
    parser.add_argument("--burst", type=int, default=30, help="simultaneous requests against the small queue")
    parser.add_argument("--queue-size", type=int, default=4, help="EMBEDDING_LAB_QUEUE_SIZE of the burst app")
    parser.add_argument("--burst-timeout", type=float, default=60.0)
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--ssl-verify", action="store_true",
                        help="use the default Client(); else Client(ssl_verify=False), which skips httpx building an "
                             "SSL context (~50 ms of CPU) per HTTP request: the load generator shares the cores")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load0 = os.getloadavg()
    result = {"args": vars(args)}
    client_kw = {} if args.ssl_verify else {"ssl_verify": False}

    app = start_warm_app({}, "bench_load_app")
    try:
        print(f"app ready in {app.ready_s:.1f}s; {args.users} users for {args.seconds:.0f}s ...", flush=True)
        res = sustained(app.url, args.users, args.seconds, args.timeout, client_kw)
    finally:
        app.stop()
    rows, summary = summarise(res["records"], res["wall_s"])
    table(["requests", "served", "errors", "p50 ms", "p95 ms", "max ms", "served/s"], rows,
          title=f"== sustained load: {args.users} users, {args.seconds:.0f}s (+ drain {res['wall_s'] - args.seconds:.1f}s), "
                f"queue {os.environ.get('EMBEDDING_LAB_QUEUE_SIZE', '64')}, concurrency "
                f"{os.environ.get('EMBEDDING_LAB_CONCURRENCY', '2')} per endpoint")
    grouped = collections.Counter(r["error"] for r in res["records"] if not r["ok"])
    if grouped:
        table(["error", "count"], [[k, v] for k, v in grouped.most_common()], title="== errors, grouped")
    else:
        print("no errors\n", flush=True)
    result["sustained"] = {"summary": summary, "errors": dict(grouped), "wall_s": res["wall_s"],
                           "stuck_users": res["stuck_users"], "records": res["records"]}

    if not args.no_burst:
        app = start_warm_app({"EMBEDDING_LAB_QUEUE_SIZE": str(args.queue_size)}, "bench_burst_app")
        try:
            b = burst(app.url, args.burst, args.burst_timeout, client_kw)
        finally:
            app.stop()
        counts = collections.Counter(o for o, _ in b["outcomes"])
        lat = collections.defaultdict(list)
        for o, t in b["outcomes"]:
            lat[o].append(t)
        table(["outcome", "count", "p50 s", "max s"],
              [[k, v, percentile(lat[k], 50), max(lat[k])] for k, v in counts.most_common()],
              title=f"== burst: {args.burst} simultaneous /similarity (8 images) requests, queue max_size "
                    f"{args.queue_size}, timeout {args.burst_timeout:.0f}s")
        clean = counts.get("queue full", 0)
        print(f"clean 'queue full' rejections: {clean}, timeouts: {counts.get('timeout', 0)}, answered: "
              f"{counts.get('answered', 0)}, other errors: {args.burst - clean - counts.get('timeout', 0) - counts.get('answered', 0)}\n",
              flush=True)
        result["burst"] = {"counts": dict(counts), "outcomes": b["outcomes"], "wall_s": b["wall_s"]}

    result.update({"loadavg_start": load0, "loadavg_end": os.getloadavg(),
                   "seconds_total": time.perf_counter() - started})
    write_json("load", result)
    return result


if __name__ == "__main__":
    main()
