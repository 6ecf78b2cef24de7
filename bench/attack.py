"""Attack mix on loopback (issue 8): normal users while one client sends decode bombs and one floods the queue.

Phases, one app (``python app.py`` on 127.0.0.1, warm-up on, every request kind run once first):

1. **idle**: ``--settle`` s, then the app's RSS is the *idle start*;
2. **baseline**: ``--users`` normal users only, for ``--baseline-seconds`` (side by side with 3);
3. **attack**: the same users, plus
   - a *bomber* (one ``Client``) cycling through the issue's payloads, one at a time: the 117 KB
     Ogg (64 ch x 384 kHz), sixteen 39.9 MP 16-bit PNGs in one /similarity, 10,000 file references,
     5 MB of typed text, a 900 KB labels string, /search with sixteen .txt files of 64 long captions,
     and a 20 MB upload without a session;
   - a *flooder*: one ``Client`` (one session) shared by ``--flood-threads`` threads sending
     /similarity (8 gallery images) back to back;
4. **idle again** for ``--idle-seconds``: the *final* RSS is the last sample.

A normal user sends a request, waits for the answer (HTTP timeout ``--timeout``, not httpx's 5 s:
a browser waits too), thinks for ``--think`` s (uniform 0.5x-1.5x) and sends the next one (text /embed, image /similarity, audio /embed, text->images /search, as in
``bench.load``). RSS (``VmRSS``, and the kernel's peak ``VmHWM``) and the app's temp folder (files,
bytes) are sampled every 0.25 s. Goals from the issue: peak RSS < 3 GB, final idle RSS within
500 MB of the idle start, normal users' p95 < 3 s under attack, zero normal requests refused.

    .venv/bin/python -m bench.attack                      # 20 users, 30 s baseline, 60 s attack, 20 s idle
    .venv/bin/python -m bench.attack --seconds 20 --baseline-seconds 10 --users 5
    EMBEDDING_LAB_MALLOC=0 .venv/bin/python -m bench.attack   # the same without the allocator settings
"""
from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import random
import tempfile
import threading
import time

from bench._common import AppProcess, gallery_paths, percentile, table, write_json
from bench.load import classify, request_kinds, start_warm_app, timed_request

GB = 1024 ** 3


# -- what the app process uses ----------------------------------------------------------------
def proc_status(pid: int) -> dict:
    out = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def temp_dir_of(pid: int) -> str | None:
    found = glob.glob(os.path.join(tempfile.gettempdir(), "embedding-lab", f"{pid}-*"))
    return found[0] if found else None


def folder_usage(root: str | None) -> tuple[int, int]:
    files = size = 0
    if not root:
        return 0, 0
    for folder, _, names in os.walk(root):
        for name in names:
            try:
                size += os.lstat(os.path.join(folder, name)).st_size
                files += 1
            except OSError:
                pass
    return files, size


class Sampler(threading.Thread):
    def __init__(self, pid: int, t0: float, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.t0, self.interval = pid, t0, interval
        self.samples: list[dict] = []
        self.phase = "warm"
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            st = proc_status(self.pid)
            files, size = folder_usage(temp_dir_of(self.pid))
            self.samples.append({"t": time.perf_counter() - self.t0, "phase": self.phase, "rss": st.get("VmRSS", 0),
                                 "hwm": st.get("VmHWM", 0), "temp_files": files, "temp_bytes": size,
                                 "load1": os.getloadavg()[0]})
            self.stop_event.wait(self.interval)

    def of(self, phase: str) -> list[dict]:
        return [s for s in self.samples if s["phase"] == phase]


# -- the clients ---------------------------------------------------------------------------------
def normal_users(url: str, n: int, deadline_box: dict, think: float, timeout: float, records: list, phase_box: dict):
    from gradio_client import Client

    kinds = request_kinds()
    names = list(kinds)
    lock = threading.Lock()
    # httpx's default 5 s timeout would count a slow upload on a busy machine as an error; a browser waits.
    clients = [Client(url, verbose=False, ssl_verify=False, httpx_kwargs={"timeout": timeout}) for _ in range(n)]

    def user(uid: int, client):
        rng = random.Random(uid)
        i = uid
        while time.perf_counter() < deadline_box["deadline"]:
            kind = names[i % len(names)]
            args, api = kinds[kind](i)
            phase = phase_box["phase"]
            rec = {"user": uid, "kind": kind, "phase": phase}
            rec.update(timed_request(client, args, api, timeout))
            with lock:
                records.append(rec)
            i += 1
            time.sleep(think * rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=user, args=(u, c), daemon=True) for u, c in enumerate(clients)]
    for t in threads:
        t.start()
    return threads


def bomb_payloads(folder: str) -> list[tuple[str, object]]:
    """(name, callable(client, url) -> None) for each bomb; made once, in ``folder``."""
    from gradio_client import handle_file

    from tests import bombs

    ogg = bombs.ogg_bomb()
    png = bombs.png_bomb(os.path.join(folder, "deep16.png"))
    captions = []
    for f in range(16):
        path = os.path.join(folder, f"captions{f}.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(f"caption {f}-{i} " + "word " * 150 for i in range(64)))
        captions.append(path)
    cat = gallery_paths("images")[next(iter(gallery_paths("images")))]

    def raw_refs(client, url):
        import httpx

        config = httpx.get(url + "config").json()
        fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "embed")
        ref = {"path": cat, "meta": {"_type": "gradio.FileData"}}
        body = {"data": ["image", "", [ref] * 10_000, ""], "fn_index": fn_index, "session_hash": "bomber-raw"}
        r = httpx.post(url + "gradio_api/queue/join", json=body, timeout=60)
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}")

    def big_upload(client, url):
        import httpx

        r = httpx.post(url + "gradio_api/upload", files={"files": ("big.bin", os.urandom(20 * 1024 * 1024))}, timeout=60)
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}")

    return [
        ("ogg 64ch x 384 kHz", lambda c, u: c.predict("audio", "", [handle_file(ogg)], "", api_name="/embed")),
        ("16 x 39.9 MP PNG", lambda c, u: c.predict("image", "", [handle_file(png)] * 16, "", api_name="/similarity")),
        ("10,000 file refs", raw_refs),
        ("5 MB text", lambda c, u: c.predict("text", "word " * 1_000_000, [], "", api_name="/embed")),
        ("900 KB labels", lambda c, u: c.predict(handle_file(cat), ", ".join(f"l{i}" for i in range(150_000)),
                                                 "auto", api_name="/zero_shot")),
        ("search, 16 x 64 captions", lambda c, u: c.predict("text", "a dog", None, "texts", 5,
                                                            [handle_file(p) for p in captions], "bridge",
                                                            api_name="/search")),
        ("20 MB upload, no session", big_upload),
    ]


def bomber(url: str, deadline_box: dict, payloads, records: list):
    from gradio_client import Client

    client = Client(url, verbose=False, ssl_verify=False)

    def run():
        i = 0
        while time.perf_counter() < deadline_box["deadline"]:
            name, send = payloads[i % len(payloads)]
            t0 = time.perf_counter()
            try:
                send(client, url)
                outcome = "accepted"
            except BaseException as exc:  # noqa: BLE001
                outcome = classify(exc)[:90]
            records.append({"bomb": name, "outcome": outcome, "latency": time.perf_counter() - t0})
            i += 1

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return [t]


def flooder(url: str, n_threads: int, deadline_box: dict, records: list):
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, ssl_verify=False)  # one client, one session, many threads
    images = list(gallery_paths("images").values())[:8]
    lock = threading.Lock()

    def run():
        while time.perf_counter() < deadline_box["deadline"]:
            t0 = time.perf_counter()
            try:
                client.submit("image", "", [handle_file(p) for p in images], "", api_name="/similarity").result(
                    timeout=120)
                outcome = "answered"
            except BaseException as exc:  # noqa: BLE001
                outcome = classify(exc)[:60]
            with lock:
                records.append({"outcome": outcome, "latency": time.perf_counter() - t0})
            if outcome != "answered":
                time.sleep(0.05)  # a refused flooder retries at once (almost)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(n_threads)]
    for t in threads:
        t.start()
    return threads


# -- summary ------------------------------------------------------------------------------------
def latency_rows(records: list[dict], phase: str):
    recs = [r for r in records if r["phase"] == phase]
    rows = []
    out = {}
    by_kind = collections.defaultdict(list)
    for r in recs:
        by_kind[r["kind"]].append(r)
    for kind, rs in [("all", recs), *sorted(by_kind.items())]:
        ok = [r["latency"] for r in rs if r["ok"]]
        refused = sum(1 for r in rs if not r["ok"] and r.get("error") == "queue full")
        errors = sum(1 for r in rs if not r["ok"]) - refused
        out[kind] = {"served": len(ok), "refused": refused, "errors": errors, "p50_s": percentile(ok, 50),
                     "p95_s": percentile(ok, 95), "max_s": max(ok) if ok else None}
        rows.append([kind, len(ok), refused, errors, percentile(ok, 50), percentile(ok, 95),
                     max(ok) if ok else float("nan")])
    return rows, out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="attack phase")
    parser.add_argument("--baseline-seconds", type=float, default=30.0, help="normal users only, before the attack")
    parser.add_argument("--idle-seconds", type=float, default=20.0, help="idle after the attack, for the final RSS")
    parser.add_argument("--settle", type=float, default=5.0, help="idle before the idle-start RSS")
    parser.add_argument("--think", type=float, default=2.0, help="a normal user's mean pause between requests (s)")
    parser.add_argument("--flood-threads", type=int, default=80)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load0 = os.getloadavg()
    result: dict = {"args": vars(args)}

    app = start_warm_app({}, "bench_attack_app")
    sampler = Sampler(app.proc.pid, time.perf_counter())
    sampler.start()
    users_records: list[dict] = []
    bomb_records: list[dict] = []
    flood_records: list[dict] = []
    try:
        print(f"app ready in {app.ready_s:.1f}s (pid {app.proc.pid}); settling {args.settle:.0f}s ...", flush=True)
        sampler.phase = "idle-start"
        time.sleep(args.settle)
        idle_start = proc_status(app.proc.pid).get("VmRSS", 0)
        with tempfile.TemporaryDirectory() as folder:
            payloads = bomb_payloads(folder)
            phase_box = {"phase": "baseline"}
            users_box = {"deadline": time.perf_counter() + args.baseline_seconds + args.seconds}
            sampler.phase = "baseline"
            print(f"baseline: {args.users} users for {args.baseline_seconds:.0f}s ...", flush=True)
            user_threads = normal_users(app.url, args.users, users_box, args.think, args.timeout, users_records,
                                        phase_box)
            time.sleep(args.baseline_seconds)
            phase_box["phase"] = sampler.phase = "attack"
            attack_box = {"deadline": time.perf_counter() + args.seconds}
            print(f"attack: + bomber + flooder ({args.flood_threads} threads, one session) for "
                  f"{args.seconds:.0f}s ...", flush=True)
            attackers = bomber(app.url, attack_box, payloads, bomb_records)
            attackers += flooder(app.url, args.flood_threads, attack_box, flood_records)
            for t in user_threads + attackers:
                t.join(timeout=args.seconds + args.timeout + 30)
            sampler.phase = "idle-end"
            print(f"idle for {args.idle_seconds:.0f}s ...", flush=True)
            time.sleep(args.idle_seconds)
        final = proc_status(app.proc.pid)
    finally:
        sampler.stop_event.set()
        app.stop()

    # -- normal users -----------------------------------------------------------------------
    summaries = {}
    for phase in ("baseline", "attack"):
        rows, summaries[phase] = latency_rows(users_records, phase)
        table(["requests", "served", "refused", "errors", "p50 s", "p95 s", "max s"], rows,
              title=f"== normal users, {phase} ({args.users} users, think {args.think:g} s)")
    errors = collections.Counter(r["error"] for r in users_records if not r["ok"])
    if errors:
        table(["error (normal users)", "count"], [[k, v] for k, v in errors.most_common()])
    # -- attackers ---------------------------------------------------------------------------
    bomb_counts = collections.Counter((r["bomb"], r["outcome"]) for r in bomb_records)
    bomb_lat = collections.defaultdict(list)
    for r in bomb_records:
        bomb_lat[(r["bomb"], r["outcome"])].append(r["latency"])
    table(["bomb", "outcome", "count", "p50 s", "max s"],
          [[b, o, n, percentile(bomb_lat[(b, o)], 50), max(bomb_lat[(b, o)])] for (b, o), n in sorted(bomb_counts.items())],
          title="== the bomber (one request at a time)")
    flood_counts = collections.Counter(r["outcome"] for r in flood_records)
    table(["flooder outcome", "count"], [[k, v] for k, v in flood_counts.most_common()],
          title=f"== the flooder ({args.flood_threads} threads, one session)")
    # -- memory and disk -------------------------------------------------------------------
    peak_sample = max((s["rss"] for s in sampler.samples), default=0)
    peak = max(peak_sample, final.get("VmHWM", 0))
    idle_end = sampler.of("idle-end")
    final_rss = idle_end[-1]["rss"] if idle_end else final.get("VmRSS", 0)
    temp_max = max(sampler.samples, key=lambda s: s["temp_bytes"], default={"temp_bytes": 0, "temp_files": 0})
    temp_files_max = max((s["temp_files"] for s in sampler.samples), default=0)
    temp_end = sampler.samples[-1] if sampler.samples else {"temp_bytes": 0, "temp_files": 0}
    by_phase = [[ph, max((s["rss"] for s in sampler.of(ph)), default=0) / GB,
                 percentile([s["load1"] for s in sampler.of(ph)], 50)]
                for ph in ("idle-start", "baseline", "attack", "idle-end")]
    table(["phase", "max RSS GB", "load average (median)"], by_phase,
          title=f"== app memory and machine load by phase ({os.cpu_count()} cores)")
    table(["measure", "value"], [
        ["idle RSS at start (GB)", idle_start / GB],
        ["peak RSS (GB, max of samples and VmHWM)", peak / GB],
        ["final idle RSS (GB)", final_rss / GB],
        ["final - start (MB)", (final_rss - idle_start) / 2 ** 20],
        ["temp folder max (MB / files)", f"{temp_max['temp_bytes'] / 2 ** 20:.1f} MB / {temp_files_max} files"],
        ["temp folder at the end (MB / files)", f"{temp_end['temp_bytes'] / 2 ** 20:.1f} MB / {temp_end['temp_files']} files"],
    ], title="== memory and disk")
    attack = summaries["attack"]["all"]
    goals = [
        ["peak RSS < 3 GB", f"{peak / GB:.2f} GB", peak < 3 * GB],
        ["idle RSS back within 500 MB of start", f"{(final_rss - idle_start) / 2 ** 20:+.0f} MB",
         final_rss - idle_start < 500 * 2 ** 20],
        ["normal users' p95 < 3 s under attack", f"{attack['p95_s']:.2f} s", attack["p95_s"] < 3.0],
        ["zero normal requests refused", f"{attack['refused'] + summaries['baseline']['all']['refused']} refused, "
                                          f"{attack['errors'] + summaries['baseline']['all']['errors']} other errors",
         attack["refused"] + summaries["baseline"]["all"]["refused"] == 0],
    ]
    table(["goal", "measured", "met"], goals, title="== goals (issue 8)")
    load1 = os.getloadavg()
    print(f"load average at start {load0[0]:.1f}, at end {load1[0]:.1f} on {os.cpu_count()} cores (the machine is "
          "shared: other processes' load shows up in the latencies)", flush=True)
    result.update({
        "normal_users": summaries, "normal_errors": dict(errors),
        "bomber": [{"bomb": b, "outcome": o, "count": n} for (b, o), n in sorted(bomb_counts.items())],
        "flooder": dict(flood_counts),
        "memory": {"idle_start": idle_start, "peak": peak, "final_idle": final_rss, "by_phase_max": by_phase},
        "temp": {"max_bytes": temp_max["temp_bytes"], "max_files": temp_files_max, "end": temp_end},
        "goals": [{"goal": g, "measured": m, "met": bool(ok)} for g, m, ok in goals],
        "samples": sampler.samples, "records": users_records, "bomb_records": bomb_records,
        "loadavg_start": load0, "loadavg_end": load1, "seconds_total": time.perf_counter() - started,
        "malloc_settings": os.environ.get("EMBEDDING_LAB_MALLOC", "1"),
    })
    write_json("attack", result)
    return result


if __name__ == "__main__":
    main()
