"""The benchmark scripts stay runnable: each module of benchmarks/ imports (a broken import once left
`python -m benchmarks.learning` dead for several commits, unnoticed because nothing ran it). The
benchmarks themselves are not run here: they are timed runs, not tests."""
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).parents[1] / "benchmarks").glob("*.py") if p.stem != "__init__")
NEEDS_BENCH_EXTRA = {"report"}  # plots with matplotlib, from the `bench` extra


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_module_imports(name):
    if name in NEEDS_BENCH_EXTRA:
        pytest.importorskip("matplotlib", reason="the bench extra (matplotlib) is not installed")
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.__doc__, f"benchmarks/{name}.py says what it measures"
