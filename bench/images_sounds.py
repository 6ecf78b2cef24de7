"""Images and sounds lessons: every page action, warm, and the browser's drawing of a picture in a plot.

    .venv/bin/python -m bench.images_sounds            # ~2 min on the shared 2-core machine
    .venv/bin/python -m bench.images_sounds --render   # also: plotly.js drawing time in headless chromium

1. Each lesson action as the page runs it (compute + plotly figures), warm: one call to warm up, then
   ``--repeats`` calls, median / min / max. Goal (issue 11): each lesson action answers in under 1 s warm.
   Not counted: Gradio's queue and JSON transfer, and the browser drawing the figures.
2. (--render) The channel figure with the picture as ``go.Image(z=pixels)`` and as
   ``go.Image(source=PNG data)``, drawn by plotly.js ``newPlot`` in headless chromium, interleaved.
"""
from __future__ import annotations

import argparse
import os
import statistics

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py sets it

from bench._common import median, table, warm_timings, write_json  # noqa: E402


def actions() -> dict:
    from lessons.images import compute as images, probe, view as images_view
    from lessons.sounds import augment, compute as sounds, view as sounds_view

    def probe_fit(groups=None):
        probe._run_probe.cache_clear()  # the page keeps results; this times a new choice of groups
        return images_view.run_probe(groups or [], "efficientnet")

    out = {
        "images: a picture (feature map, GAP, ViT tokens, 4 figures)": lambda: images_view.run("cat", None),
        "images: another channel": lambda: images_view.show_channel(5, {
            "seen": _cat_state()["seen"], "cells": _cat_state()["cells"], "mean": _cat_state()["mean"]}),
        "images: /image_features (API)": lambda: images.image_features("cat"),
        "images: probe, 3 groups (new fit)": lambda: probe_fit(["cats", "fish", "windmills"]),
        "images: probe, all 14 groups (new fit)": lambda: probe_fit(),
    }
    for name in augment.AUDIO:
        out[f"sounds: sweep '{name}' (dog) + figure"] = (
            lambda n=name: sounds_view.sweep_figure(sounds.sweep("audio", n, "dog")))
    out["sounds: listen at another strength (pitch 4)"] = lambda: sounds.augmented("audio", "pitch", "dog", None, 4)
    for name in augment.IMAGE:
        out[f"pictures: sweep '{name}' (cat) + figure"] = (
            lambda n=name: sounds_view.sweep_figure(sounds.sweep("image", n, "cat")))
    out["sounds: /invariance (API, noise)"] = lambda: sounds.invariance("dog", augmentation="noise")
    return out


_STATE: dict = {}


def _cat_state() -> dict:
    if not _STATE:
        from lessons.images import compute
        from lessons.images.pictures import load_picture

        fm = compute.feature_map(load_picture("cat"))
        _STATE.update(seen=fm.seen, cells=fm.cells, mean=fm.mean_of_cells)
    return _STATE


def time_actions(repeats: int) -> list[dict]:
    rows = []
    for name, fn in actions().items():
        _, xs = warm_timings(fn, repeats)  # the first call warms: models loaded, gallery baselines cached
        rows.append({"action": name, "median_s": median(xs), "min_s": min(xs), "max_s": max(xs)})
    return rows


def render_times(rounds: int) -> dict:
    """plotly.js newPlot of the channel figure, picture as z pixels vs as PNG data, interleaved, in chromium."""
    import plotly
    import plotly.graph_objects as go
    from playwright.sync_api import sync_playwright

    from lessons.images import view
    from tests.browser.conftest import CHROMIUM, FLAGS

    s = _cat_state()
    k = int(s["mean"].argmax())
    png = view.channel_figure(s["seen"], s["cells"][:, k].reshape(7, 7), k, float(s["mean"][k]))
    pixels = go.Figure(png)
    pixels.data[0].source = None
    pixels.data[0].z = s["seen"]
    specs = {"go.Image(source=PNG)": png.to_json(), "go.Image(z=pixels)": pixels.to_json()}
    js_path = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
    out: dict[str, list[float]] = {k: [] for k in specs}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.set_content("<div id=g style='width:1200px'></div>")
        page.add_script_tag(path=js_path)
        for r in range(rounds):
            for name in (list(specs) if r % 2 == 0 else list(specs)[::-1]):
                ms = page.evaluate("""async (s) => { const f = JSON.parse(s); const t = performance.now();
                    await Plotly.newPlot('g', f.data, f.layout); const d = performance.now() - t;
                    Plotly.purge('g'); return d; }""", specs[name])
                out[name].append(ms / 1000.0)
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--render", action="store_true")
    args = ap.parse_args()
    rows = time_actions(args.repeats)
    table(["action", "median s", "min s", "max s", "< 1 s"],
          [[r["action"], r["median_s"], r["min_s"], r["max_s"], r["median_s"] < 1.0] for r in rows],
          title=f"1. Lesson actions, warm ({args.repeats} calls after one warm-up)")
    met = all(r["median_s"] < 1.0 for r in rows)
    print(f"Goal 'each lesson action under 1 s warm' (median, compute + figures): {'met' if met else 'NOT met'}\n")
    data = {"actions": rows, "goal_met": met}
    if args.render:
        times = render_times(7)
        base = statistics.median(times["go.Image(z=pixels)"])
        table(["picture in the channel figure", "median s", "ratio to z=pixels"],
              [[k, median(v), median(v) / base] for k, v in times.items()],
              title="2. plotly.js newPlot in headless chromium, interleaved, 7 rounds")
        data["render"] = times
    write_json("images_sounds", data)


if __name__ == "__main__":
    main()
