"""The app end to end: startup time, and gradio_client round trips vs the functions' own time.

The app runs in a subprocess (``python app.py --port P`` on 127.0.0.1, warm-up on,
the repository's gallery cache). The benchmark then measures, side by side in this
process, for each request:

Startup: seconds from process start to the first /encoders answer, which encoders the
warm-up had loaded then and ``--settle`` seconds later, and the first request of each
kind (lazy model loading shows up there).

- ``function``: the endpoint's own function called in-process (``tabs.api.api_embed``,
  ``api_similarity``, ``api_search``: the lab/ functions plus building the JSON), on the
  same files, with the app idle;
- ``round trip``: the same request through ``gradio_client`` (upload of the files,
  queue, the function in the app's process, the answer), once with ``Client(url)`` as a
  script would make it and once with ``Client(url, ssl_verify=False)``. Over plain http
  both do the same, but the default one has httpx build an SSL context (load the CA
  bundle: ~50 ms of client CPU) for every HTTP request, and a predict makes several;
- ``overhead`` = round trip - function (medians): Gradio, HTTP, uploads, the client.

The three alternate in rotating order for every request, scenarios in alternating
order; a trivial ``/encoders`` call shows the floor. Then 10 concurrent clients
(threads, each its own ``Client(ssl_verify=False)`` unless ``--ssl-verify``: the load
generator shares the 2 cores with the app) send the same requests; their latency
includes waiting in the queue (the app runs ``EMBEDDING_LAB_CONCURRENCY`` = 2 events at
a time per endpoint).

Requests: text /embed of 10 sentences; /similarity of 8 gallery images; /embed of 4
gallery sounds looped to 10 s (written to a temp dir); /search text -> images
("a cup of coffee", k 5). Goal from the issue: that search under 150 ms through
gradio_client (p50 at 1 client).

    .venv/bin/python -m bench.app
    .venv/bin/python -m bench.app --quick
    .venv/bin/python -m bench.app --cold-cache   # startup with an empty gallery cache
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

from bench._common import (AppProcess, gallery_paths, gallery_texts, looped_wavs, median, percentile, table,
                           write_json)

GOAL_SEARCH_MS = 150.0
SEARCH_QUERY = "a cup of coffee"
IMAGE_IDS = ["cat", "horse", "coffee", "rocket", "galaxies", "moon", "astronaut", "flower"]
SOUND_IDS = ["dog", "cow", "speech_hello", "alarm_clock"]


def scenarios(tmp: str) -> dict[str, dict]:
    """name -> {"call": in-process function, "args": client.predict args, "api": endpoint}."""
    from gradio_client import handle_file

    from tabs.api import api_embed, api_encoders, api_search, api_similarity

    texts = "\n".join(gallery_texts()[:10])
    images = [gallery_paths("images")[i] for i in IMAGE_IDS]
    wavs = looped_wavs(SOUND_IDS, 10.0, tmp)
    return {
        "/encoders (trivial)": {
            "call": api_encoders, "args": lambda: (), "api": "/encoders"},
        "text /embed (10 sentences)": {
            "call": lambda: api_embed("text", texts, [], ""),
            "args": lambda: ("text", texts, [], ""), "api": "/embed"},
        "image /similarity (8 gallery images)": {
            "call": lambda: api_similarity("image", "", images, ""),
            "args": lambda: ("image", "", [handle_file(p) for p in images], ""), "api": "/similarity"},
        "audio /embed (4 sounds x 10 s)": {
            "call": lambda: api_embed("audio", "", wavs, ""),
            "args": lambda: ("audio", "", [handle_file(p) for p in wavs], ""), "api": "/embed"},
        "search text->images (k 5)": {
            "call": lambda: api_search("text", SEARCH_QUERY, None, "images", 5, [], "auto"),
            "args": lambda: ("text", SEARCH_QUERY, None, "images", 5, [], "auto"), "api": "/search"},
    }


def statuses(url: str) -> dict[str, str]:
    from gradio_client import Client

    return {e["key"]: e["status"] for e in Client(url, verbose=False).predict(api_name="/encoders")}


def first_requests(url: str, scen: dict) -> dict[str, float]:
    """Seconds of the first request of each scenario (lazy model loading shows here)."""
    from gradio_client import Client

    client = Client(url, verbose=False, ssl_verify=False)
    out = {}
    for name, s in scen.items():
        t0 = time.perf_counter()
        client.predict(*s["args"](), api_name=s["api"])
        out[name] = time.perf_counter() - t0
    return out


CLIENT_KINDS = {"default": {}, "ssl_verify=False": {"ssl_verify": False}}


def one_client(url: str, scen: dict, rounds: int, gap: float = 0.2) -> dict:
    """Function and round trips (default Client, Client(ssl_verify=False)) in rotating order.

    Over plain http the two clients do the same thing, except that the default one has
    httpx build an SSL context (loading the CA bundle, ~50 ms of client CPU) for every
    HTTP request it makes; ssl_verify=False skips that.
    """
    from gradio_client import Client

    clients = {k: Client(url, verbose=False, **kw) for k, kw in CLIENT_KINDS.items()}
    names = list(scen)
    for name in names:  # warm both sides: first calls load models, caches, upload routes
        for _ in range(2):
            scen[name]["call"]()
            for c in clients.values():
                c.predict(*scen[name]["args"](), api_name=scen[name]["api"])
    kinds = ["function", *clients]
    t = {k: {n: [] for n in names} for k in kinds}
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            s = scen[name]
            fns = {"function": s["call"]}
            for k, c in clients.items():
                fns[k] = (lambda c=c, s=s: c.predict(*s["args"](), api_name=s["api"]))
            order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]  # rotate who goes first
            for kind in order:
                time.sleep(gap)  # let the other process's spinning worker threads (OpenMP, OpenBLAS) go idle
                t0 = time.perf_counter()
                fns[kind]()
                t[kind][name].append(time.perf_counter() - t0)
    return t


def many_clients(url: str, scen: dict, name: str, clients: int, per_client: int, client_kw: dict) -> dict:
    """``clients`` threads, each with its own Client, each sending ``per_client`` requests at once."""
    from gradio_client import Client

    s = scen[name]
    conns = [Client(url, verbose=False, **client_kw) for _ in range(clients)]
    barrier = threading.Barrier(clients)
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(c):
        barrier.wait()
        for _ in range(per_client):
            t0 = time.perf_counter()
            try:
                c.predict(*s["args"](), api_name=s["api"])
                with lock:
                    lat.append(time.perf_counter() - t0)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=worker, args=(c,)) for c in conns]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"latencies": lat, "errors": errors, "wall_s": wall, "throughput": len(lat) / wall}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="requests per scenario at 1 client")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--per-client", type=int, default=4, help="requests per client at --clients")
    parser.add_argument("--quick", action="store_true", help="6 rounds, 2 requests per client")
    parser.add_argument("--ssl-verify", action="store_true",
                        help="concurrent clients use the default Client() (else ssl_verify=False: less client CPU)")
    parser.add_argument("--gap", type=float, default=0.2,
                        help="idle seconds before each timed call at 1 client (worker threads of the other process stop spinning)")
    parser.add_argument("--settle", type=float, default=15.0,
                        help="seconds to wait after the app answers before the first requests (warm-up time)")
    parser.add_argument("--cold-cache", action="store_true", help="start with an empty gallery cache (temp dir)")
    args = parser.parse_args(argv)
    rounds = 6 if args.quick else args.rounds
    per_client = 2 if args.quick else args.per_client
    started = time.perf_counter()
    load0 = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        env = {"EMBEDDING_LAB_WARMUP": "1"}
        if args.cold_cache:
            env["EMBEDDING_LAB_CACHE"] = os.path.join(tmp, "cache")
        app = AppProcess(env=env, log_name="bench_app")
        try:
            ready_s = app.wait_ready()
            at_ready = statuses(app.url)
            time.sleep(args.settle)  # let the warm-up thread finish what it does
            settled = statuses(app.url)
            scen = scenarios(tmp)
            firsts = first_requests(app.url, {k: v for k, v in scen.items() if k != "/encoders (trivial)"})
            loaded = lambda st: ", ".join(k for k, v in st.items() if v == "loaded") or "none"
            table(["measure", "seconds"],
                  [["process start -> first /encoders answered", ready_s]]
                  + [[f"then the first {name}", t] for name, t in firsts.items()],
                  title=f"== startup ({'empty' if args.cold_cache else 'repository'} gallery cache, "
                        f"EMBEDDING_LAB_WARMUP=1); encoders loaded at ready: {loaded(at_ready)}; "
                        f"{args.settle:.0f}s later: {loaded(settled)}")

            single = one_client(app.url, scen, rounds, args.gap)
            rows, per = [], {}
            for name in scen:
                fn = single["function"][name]
                f50 = median(fn)
                per[name] = {"function_s": fn, "function_p50": f50}
                row = [name, f50 * 1e3]
                for k in CLIENT_KINDS:
                    rt = single[k][name]
                    r50, r95 = median(rt), percentile(rt, 95)
                    per[name][k] = {"round_trip_s": rt, "round_trip_p50": r50, "round_trip_p95": r95,
                                    "overhead_p50": r50 - f50, "ratio_p50": r50 / f50}
                    row += [r50 * 1e3, r95 * 1e3, (r50 - f50) * 1e3, r50 / f50]
                rows.append(row)
            headers = ["request", "function p50 ms"]
            for k in CLIENT_KINDS:
                tag = "" if k == "default" else " (no ssl ctx)"
                headers += [f"rt p50 ms{tag}", f"rt p95 ms{tag}", f"overhead ms{tag}", f"rt / fn{tag}"]
            table(headers, rows,
                  title=f"== 1 client, {rounds} requests each; function, round trip with Client() and with "
                        "Client(ssl_verify=False) in rotating order")

            rows, conc = [], {}
            ckw = CLIENT_KINDS["default" if args.ssl_verify else "ssl_verify=False"]
            for name in scen:
                res = many_clients(app.url, scen, name, args.clients, per_client, ckw)
                lat = res["latencies"]
                f50 = per[name]["function_p50"]
                p50, p95 = percentile(lat, 50), percentile(lat, 95)
                conc[name] = {**res, "p50": p50, "p95": p95, "overhead_p50_incl_queue": p50 - f50}
                rows.append([name, len(lat), len(res["errors"]), p50 * 1e3, p95 * 1e3, (p50 - f50) * 1e3,
                             res["throughput"], res["throughput"] * f50])
            table(["request", "ok", "errors", "p50 ms", "p95 ms", "overhead p50 ms (incl. queue)", "req/s",
                   "req/s x function s"], rows,
                  title=f"== {args.clients} concurrent clients x {per_client} requests, Client({'' if args.ssl_verify else 'ssl_verify=False'}) "
                        "(latency includes queueing; last column = function-times of work served per second)")
        finally:
            app.stop()

    search = per["search text->images (k 5)"]
    met = {}
    for k in CLIENT_KINDS:
        r = search[k]
        met[k] = r["round_trip_p50"] * 1e3 < GOAL_SEARCH_MS
        print(f"goal: text->image search through gradio_client ({k} Client) under {GOAL_SEARCH_MS:.0f} ms (p50, 1 client): "
              f"{r['round_trip_p50'] * 1e3:.0f} ms -> {'met' if met[k] else 'not met'} "
              f"(p95 {r['round_trip_p95'] * 1e3:.0f} ms; the function alone {search['function_p50'] * 1e3:.0f} ms; "
              f"a trivial /encoders call {per['/encoders (trivial)'][k]['round_trip_p50'] * 1e3:.0f} ms)", flush=True)
    print(flush=True)
    write_json("app", {"startup": {"ready_s": ready_s, "first_requests_s": firsts, "status_at_ready": at_ready,
                                   "status_after_settle": settled, "settle_s": args.settle,
                                   "cold_cache": args.cold_cache},
                       "one_client": per, "concurrent": {"clients": args.clients, "per_client": per_client,
                                                         "results": conc},
                       "goal": {"search_ms": GOAL_SEARCH_MS, "met_by_client": met}, "loadavg_start": load0,
                       "loadavg_end": os.getloadavg(), "seconds_total": time.perf_counter() - started})
    return per


if __name__ == "__main__":
    main()
