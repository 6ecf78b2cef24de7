"""Shared helpers: side-by-side timing, tables, JSON results, launching the app.

Rules every script follows (the machine is shared and noisy):
- compared variants are measured in the same run, interleaved (A B C, C B A, ...),
  repeated, and summarised by medians;
- results are printed as ratios next to the raw numbers, never as pass/fail
  thresholds on absolute times (goal figures are reported as "met" / "not met").
"""
from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from typing import Callable, Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_DIR = os.environ.get("BENCH_RESULTS_DIR") or os.path.join(ROOT, "bench", "results")
ASSETS = os.path.join(ROOT, "assets")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Never reach for a model hub from a benchmark.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# -- statistics -------------------------------------------------------------------
def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def percentile(xs: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


# -- side-by-side timing ------------------------------------------------------------
def calibrate(fn: Callable[[], object], min_time: float) -> int:
    """How many calls of ``fn`` take about ``min_time`` seconds (one warm-up call first)."""
    fn()
    t0 = time.perf_counter()
    fn()
    dt = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(min_time / dt))


def warm_timings(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """(seconds of a first, warming call; seconds of each of ``repeats`` calls after it)."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return first, times


def interleaved(variants: dict[str, Callable[[], object]], rounds: int = 5,
                min_time: float = 0.2) -> dict[str, list[float]]:
    """Seconds per call of each variant, one sample per round, run in alternating order.

    Each round runs every variant ``n`` times in a row (``n`` calibrated so that one
    sample takes about ``min_time``); odd rounds reverse the order (A B C, C B A), so
    slow drifts of a shared machine hit every variant alike. Take the median.
    """
    names = list(variants)
    reps = {name: calibrate(fn, min_time) for name, fn in variants.items()}
    out: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            fn, n = variants[name], reps[name]
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            out[name].append((time.perf_counter() - t0) / n)
    return out


# -- output -----------------------------------------------------------------------
def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x != x:
            return "nan"
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        if abs(x) >= 100:
            return f"{x:.1f}"
        return f"{x:.{digits}g}" if abs(x) < 1 else f"{x:.{max(1, digits - 1)}f}"
    return str(x)


def table(headers: Sequence[str], rows: Sequence[Sequence], title: str | None = None) -> str:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
              for i, h in enumerate(headers)]
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(str(h).rjust(w) for h, w in zip(headers, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    text = "\n".join(lines)
    print(text, flush=True)
    print(flush=True)
    return text


def machine_info() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "loadavg_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except Exception:
        pass
    return info


def write_json(name: str, data: dict) -> str:
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, f"{name}.json")
    payload = {"benchmark": name, "machine": machine_info(), **data}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, default=_json_default)
    load = payload["machine"]["loadavg_at_end"]
    print(f"results written to {os.path.relpath(path, ROOT)} (load average now {load[0]:.2f} / {load[1]:.2f} / "
          f"{load[2]:.2f} on {os.cpu_count()} cores; this run itself accounts for up to about {os.cpu_count()})", flush=True)
    return path


def _json_default(o):
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except Exception:
        pass
    return str(o)


# -- the app in a subprocess ------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """``python app.py --port P`` on 127.0.0.1 in a subprocess; stopped by ``stop()``."""

    def __init__(self, env: dict | None = None, port: int | None = None, log_name: str = "app"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        os.makedirs(RESULTS_DIR, exist_ok=True)
        self.log_path = os.path.join(RESULTS_DIR, f"{log_name}.log")
        full_env = dict(os.environ)
        full_env.update({
            "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "EMBEDDING_LAB_LOGLEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        })
        full_env.update(env or {})
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(self.port)], cwd=ROOT, env=full_env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180.0, probe: Callable | None = None) -> float:
        """Seconds from process start until a gradio_client /encoders call succeeds."""
        from gradio_client import Client

        deadline = self.started + timeout
        last = None
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}; see {self.log_path}")
            try:
                client = Client(self.url, verbose=False)
                client.predict(api_name="/encoders")
                return time.perf_counter() - self.started
            except Exception as exc:  # not up yet
                last = exc
                time.sleep(0.1)
        raise TimeoutError(f"app not ready after {timeout:.0f}s ({last}); see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def gallery_paths(section: str) -> dict[str, str]:
    """id -> absolute path of the gallery's images or sounds (manifest order)."""
    with open(os.path.join(ASSETS, "manifest.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    return {e["id"]: os.path.join(ASSETS, e["file"]) for e in data[section]}


def gallery_texts() -> list[str]:
    with open(os.path.join(ASSETS, "manifest.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    return [e["text"] for e in data["texts"]]


def looped_wavs(ids: Sequence[str], seconds: float, out_dir: str) -> list[str]:
    """Gallery sounds trimmed or looped to exactly ``seconds``, written as 16-bit WAVs."""
    import numpy as np
    import soundfile as sf

    paths = gallery_paths("sounds")
    out = []
    for sid in ids:
        data, sr = sf.read(paths[sid], dtype="float32", always_2d=True)
        n = int(round(seconds * sr))
        reps = -(-n // len(data))
        looped = np.concatenate([data] * reps)[:n]
        dst = os.path.join(out_dir, f"{sid}_{seconds:g}s.wav")
        sf.write(dst, looped, sr, subtype="PCM_16")
        out.append(dst)
    return out
