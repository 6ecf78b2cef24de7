"""Graphs lesson: training time (one torch thread vs the default), the page's rounds, accuracy over seeds.

    .venv/bin/python -m bench.graphs            # ~25 min on the shared 2-core machine
    .venv/bin/python -m bench.graphs --quick    # ~12 min at load 14 (the 2-thread runs are the slow part)

1. Training time of the karate GCN (4 labels) and GRACE (no labels + probe), one full run each,
   with torch on one thread (what the lesson does) and on torch's default threads, interleaved.
   Goal (issue 10): each run under ~20 s.
2. The page's 0..32 rounds (uncached) and one redraw of a round, per graph and rule.
3. Accuracy on the 30 unlabelled members over seeds, for both methods and both choices of the
   4 labelled members (not a speed figure; printed here because it needs the same runs).
4. Over-smoothing on the karate club: mean cosine (neighbours, all pairs) and normalised Dirichlet energy per round.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app.py sets it

from bench._common import fmt, interleaved, machine_info, median, table, write_json  # noqa: E402


def training_times(rounds: int) -> dict:
    import torch

    from lessons.graphs import train

    default_threads = torch.get_num_threads()

    def run(method: str, one: bool):
        def go():
            saved = train.one_thread
            if not one:
                train.one_thread = contextlib.nullcontext
            try:
                return train.run(method, 0, "leaders")
            finally:
                train.one_thread = saved
        return go

    variants = {f"{m} {'1 thread' if one else f'{default_threads} threads'}": run(m, one)
                for m in ("gcn", "grace") for one in (True, False)}
    samples = interleaved(variants, rounds=rounds, min_time=0.0)
    rows = []
    for m in ("gcn", "grace"):
        one, many = median(samples[f"{m} 1 thread"]), median(samples[f"{m} {default_threads} threads"])
        rows.append([m, fmt(one), fmt(many), fmt(many / one), "met" if one < 20 else "not met"])
    table(["method", "1 thread s", f"{default_threads} threads s", "ratio", "under ~20 s (1 thread)"], rows,
          "Training time, one full run (median)")
    return {"samples": samples, "default_threads": default_threads}


def page_times(rounds: int) -> dict:
    from lessons.graphs import compute, data, propagate, view
    from lessons.torch_threads import one_thread

    variants = {}
    for name in ("karate", "les-miserables"):
        for rule in ("gcn", "gat"):
            g = data.bundled(name)
            variants[f"{name} {rule}: 33 rounds"] = (lambda g=g, rule=rule: propagate.walk(
                g, "onehot", rule, compute.PAGE_STEPS, 0, "none"))
            variants[f"{name} {rule}: redraw one round"] = (lambda name=name, rule=rule: view.render(
                name, "", "onehot", rule, "none", 0, 3, None))
    with one_thread():
        samples = interleaved(variants, rounds=rounds, min_time=0.3)
    table(["what", "median s"], [[k, fmt(median(v))] for k, v in samples.items()], "The page")
    return samples


def accuracy(seeds: int) -> dict:
    import numpy as np

    from lessons.graphs import train

    out, rows = {}, []
    for method in ("gcn", "grace"):
        for choice in ("leaders", "random"):
            accs, before, base = [], [], []
            for seed in range(seeds):
                frames = list(train.STEPPERS[method](seed, choice))
                accs.append(frames[-1].accuracy)
                before.append(frames[0].accuracy)
                if frames[-1].baseline is not None:
                    base.append(frames[-1].baseline)
            out[f"{method} {choice}"] = {"accuracy": accs, "epoch0": before, "onehot_probe": base}
            a = np.array(accs)
            rows.append([method, choice, seeds, fmt(a.mean()), fmt(a.min()), fmt(a.max()), f"{(a >= 0.8).mean():.0%}",
                         fmt(np.mean(before)), fmt(np.mean(base)) if base else "-"])
    table(["method", "labelled", "seeds", "mean", "min", "max", ">= 0.8", "epoch 0 mean", "one-hot probe"], rows,
          "Accuracy on the 30 unlabelled members")
    return out


def oversmoothing() -> dict:
    from lessons.graphs import data, propagate

    g = data.bundled("karate")
    marks = (0, 1, 2, 4, 8, 16, 32)
    out, rows = {}, []
    for rule in propagate.RULES:
        w = propagate.walk(g, "onehot", rule, 32, 0, "none", project=False)
        out[rule] = {"mean_cosine": w.mean_cosine, "neighbour_cosine": w.edge_cosine, "energy": w.energy}
        rows.append([rule, "cosine, neighbours"] + [fmt(w.edge_cosine[k]) for k in marks])
        rows.append([rule, "cosine, all pairs"] + [fmt(w.mean_cosine[k]) for k in marks])
        rows.append([rule, "Dirichlet energy"] + [fmt(w.energy[k]) for k in marks])
    table(["rule", "measure"] + [f"k={k}" for k in marks], rows,
          "Karate club, one-hot start, weights none: over-smoothing per round")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", type=int, default=0, help="seeds for the accuracy table (default 20, quick 5)")
    args = ap.parse_args()
    load0 = os.getloadavg()
    started = time.perf_counter()
    results = {"machine": machine_info(), "load_start": load0}
    results["oversmoothing"] = oversmoothing()
    results["training"] = training_times(2 if args.quick else 5)
    results["page"] = page_times(2 if args.quick else 5)
    results["accuracy"] = accuracy(args.seeds or (5 if args.quick else 20))
    results["load_end"] = os.getloadavg()
    print(f"load average {load0[0]:.1f} -> {results['load_end'][0]:.1f}; took {time.perf_counter() - started:.0f} s; "
          f"results: {write_json('graphs', results)}")


if __name__ == "__main__":
    main()
