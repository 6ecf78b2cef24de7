"""Tables lesson: what each run scores and how long it takes, warm, on this machine.

    .venv/bin/python bench/tables.py            # every example run, the size sweep, reuse, threads
    .venv/bin/python bench/tables.py --quick    # examples only

Prints, per example of lessons/tables/examples.py: the validation metric next to the trivial baseline,
and the seconds of the run (one warm-up run first, so imports and the table load are not counted).
Then the embedding-size sweep for 'dest' with and without the distance column, the reuse scores,
and one epoch with one OpenMP thread vs torch's default, side by side (the ratio is what to read:
the machine is shared, absolute times are noisy).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from lessons.tables import compute
    from lessons.tables.examples import EXAMPLES, LABELS

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t = time.perf_counter()
    compute.train_summary(compute.Settings(epochs=1, sample=2000))
    print(f"cold start (table load, imports, 1 tiny run): {time.perf_counter() - t:.1f} s")
    print(f"{'example':52s} {'metric':9s} {'train':>8s} {'valid':>8s} {'baseline':>9s} {'params':>7s} {'s':>6s}")
    for kw, label in zip(EXAMPLES, LABELS):
        settings = compute.settings_from(**{**dict(dataset="flights", target="", columns=None, categorical="embedding",
                                                   numeric="ple", encodings=None, embedding_dim=8, min_count=20,
                                                   bins=8, cross="", cross_buckets=64, sample=30000, epochs=8,
                                                   seed=0), **kw})
        t = time.perf_counter()
        out = compute.train_summary(settings)
        print(f"{label[:52]:52s} {out['metric']:9s} {out['train']:8.4f} {out['validation']:8.4f} "
              f"{out['baseline']:9.4f} {out['parameters']:7d} {time.perf_counter() - t:6.1f}", flush=True)
    if args.quick:
        return
    for columns, name in ((None, "with distance"), (["carrier", "origin", "dest", "tailnum", "month", "hour"], "without distance")):
        settings = compute.Settings(columns=tuple(columns or ()))
        t = time.perf_counter()
        result = None
        for result in compute.size_sweep_iter(settings, "dest"):
            pass
        print(f"sweep 'dest' ({name}): {result.categories} rows, fastai {result.fastai}, fourth root "
              f"{result.fourth_root}, {time.perf_counter() - t:.1f} s in all")
        for p in result.points:
            print(f"  size {p.dim:2d}: validation loss {p.validation_loss:.5f}  RMSE {p.validation:.3f}  "
                  f"table params {p.table_parameters:5d}  all {p.parameters:6d}  {p.seconds:.1f} s")
    prep, run = None, None
    for step in compute.train_iter(compute.Settings()):
        prep, run = (step, run) if isinstance(step, compute.Prepared) else (prep, step)
    t = time.perf_counter()
    reuse = compute.reuse_scores(prep, run.tables())
    print(f"reuse ({time.perf_counter() - t:.1f} s), baseline {reuse.baseline:.3f}:")
    for r in reuse.rows:
        print(f"  {r['model']:28s} {r['features']:20s} width {r['width']:4d}  {r['validation']:.3f}")
    for column in ("dest", "carrier"):
        m = compute.embedding_map(prep, run, column)
        print(f"map '{column}': axis 1 vs {m.target_label} rho {m.axis_vs_target:+.2f}"
              + (f", geo rho {m.geo:+.2f} (untrained {m.geo_before:+.2f}), axis 1 vs miles from NYC "
                 f"{m.axis_vs_nyc:+.2f}" if m.geo is not None else ""))
    threads()


def threads() -> None:
    """One epoch of the default run with one OpenMP thread vs torch's default count, alternating."""
    import torch

    from lessons.tables import compute, model

    prep = compute.prepare(compute.Settings(epochs=1))
    times = {"one thread": [], f"torch default ({torch.get_num_threads()})": []}
    for _ in range(2):
        for name in times:
            t = time.perf_counter()
            if name == "one thread":
                model.train(prep.design, prep.split.train, prep.split.validation, epochs=1)
            else:
                real = model.one_thread
                model.one_thread = lambda: __import__("contextlib").nullcontext()
                try:
                    model.train(prep.design, prep.split.train, prep.split.validation, epochs=1)
                finally:
                    model.one_thread = real
            times[name].append(time.perf_counter() - t)
    best = {k: min(v) for k, v in times.items()}
    one, default = best.values()
    print("one epoch: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items()) + f"; ratio {default / one:.1f}x")


if __name__ == "__main__":
    main()
