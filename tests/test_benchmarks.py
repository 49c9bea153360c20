"""The benchmark scripts stay runnable: each module of benchmarks/ imports (a broken import once left
`python -m benchmarks.learning` dead for several commits, unnoticed because nothing ran it). The
benchmarks themselves are not run here: they are timed runs, not tests."""
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).parents[1] / "benchmarks").glob("*.py") if p.stem != "__init__")
BENCH_EXTRA = "matplotlib"  # what the `bench` extra adds; the report and the scripts that draw it need it


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_module_imports(name):
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != BENCH_EXTRA:
            raise
        pytest.skip(f"benchmarks/{name}.py needs the bench extra ({BENCH_EXTRA}), not installed here")
    assert module.__doc__, f"benchmarks/{name}.py says what it measures"
