"""One way to profile a benchmark stage: run it under cProfile and write the top functions."""
from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path


def profile_to(out: Path, header: str, run: Callable[[], object], top: int = 25) -> None:
    """Run `run` under cProfile; write `header`, the top functions by cumulative time, then the top
    15 by own time, so a reader sees both where time is spent and who spends it."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(15)
    out.write_text(header + stream.getvalue(), encoding="utf-8")
