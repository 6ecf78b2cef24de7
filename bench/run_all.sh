#!/usr/bin/env bash
# Run every benchmark in sequence (about 75 minutes on 2 cores); results in bench/results/.
# Usage: bench/run_all.sh [--quick]     (--quick: smoke run of each, a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
if [[ "${1:-}" == "--quick" ]]; then
  $PY -m bench.encoders --quick
  $PY -m bench.clip_vs_sgemm --quick
  $PY -m bench.search --quick
  $PY -m bench.app --quick
  $PY -m bench.load --users 5 --seconds 15 --burst 12
  $PY -m bench.attack --seconds 20 --baseline-seconds 10 --users 5
  $PY -m bench.board --students 5 --seconds 15 --no-memory
  $PY bench/tables.py --quick
  $PY -m bench.graphs --quick
  $PY -m bench.lessons --repeats 1
else
  $PY -m bench.encoders
  $PY -m bench.clip_vs_sgemm
  $PY -m bench.search
  $PY -m bench.app
  $PY -m bench.load
  $PY -m bench.attack
  $PY -m bench.board
  $PY bench/tables.py
  $PY -m bench.graphs
  $PY -m bench.lessons
fi
