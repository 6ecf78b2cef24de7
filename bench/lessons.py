"""Every lesson example, warm: how long the lesson's endpoint function takes on this machine.

For each lesson of ``lessons.registry`` and each of its examples (the buttons on the page, also run by the
tests): one call to warm up (models load, caches fill), then ``--repeats`` timed calls of the same function
the page and the API call, reported as the median. Several lessons keep a small cache of results by their
arguments (training runs, index builds, vector sets), so for those the repeated call is a cache hit and the
*first call* is the computation (for a lesson's first example it also includes loading models and data).
A lesson action that trains is timed whole; on the page it streams frames while it runs. Not a pass/fail test: the figures
are what to read (the issue 11 goal is under 1 s warm for the using-vectors and pictures/sounds actions),
and the load average is printed because this 2-core machine is shared.

    .venv/bin/python -m bench.lessons                   # every lesson, 3 timed calls each
    .venv/bin/python -m bench.lessons --only images sounds --repeats 5
"""
from __future__ import annotations

import argparse
import os

from bench._common import median, table, warm_timings, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="lesson keys")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from lessons.registry import LESSONS

    rows, out = [], []
    load_start = os.getloadavg()
    for lesson in LESSONS:
        if args.only and lesson.key not in args.only:
            continue
        fn = lesson.endpoints[0].fn
        for i, kwargs in enumerate(lesson.examples):
            label = lesson.example_labels[i] if i < len(lesson.example_labels) else str(i)
            first, times = warm_timings(lambda: fn(**kwargs), args.repeats)
            rows.append([lesson.key, f"/{lesson.endpoints[0].name}", label[:48], f"{first:.2f}", f"{median(times):.3f}"])
            out.append({"lesson": lesson.key, "endpoint": lesson.endpoints[0].name, "example": label,
                        "first_s": first, "warm_s": times})
            print(" | ".join(rows[-1]), flush=True)
    table(["lesson", "endpoint", "example", "first call s", f"repeat median s (n={args.repeats})"], rows,
          title="Lesson examples, warm")
    print(f"load average at start {load_start[0]:.1f}, at end {os.getloadavg()[0]:.1f} (2 cores)")
    write_json("lessons", {"examples": out, "repeats": args.repeats, "loadavg_start": load_start,
                           "loadavg_end": os.getloadavg()})


if __name__ == "__main__":
    main()
