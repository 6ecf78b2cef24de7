"""The benchmark scripts still import and parse their flags (they are run by hand, not in CI)."""
import importlib

import pytest

MODULES = ["bench.encoders", "bench.clip_vs_sgemm", "bench.search", "bench.app", "bench.load", "bench.attack",
           "bench.board", "bench.graphs", "bench.lessons"]


@pytest.mark.parametrize("name", MODULES)
def test_bench_module_imports_and_has_main(name):
    module = importlib.import_module(name)
    assert callable(getattr(module, "main", None)), f"{name} has no main()"
