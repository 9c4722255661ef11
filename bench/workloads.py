"""W1-W4: the same workloads on every system, each run on a fresh store in its own temporary directory."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from bench.plan import Sizes
from bench.report import Figure, Report


@dataclass(frozen=True)
class Workload:
    key: str
    """W1..W4, for --only."""
    title: str
    unit: str
    measure: Callable[[ModuleType, Path, Sizes], float]
    higher_is_better: bool = True


def workloads(s: Sizes) -> list[Workload]:
    return [
        Workload("W1", "W1 create, sequential", "aggregates/s", lambda m, d, s: m.w1_sequential(d, s.w1_aggregates)),
        Workload(
            "W1",
            f"W1 create, {s.w1_callers} concurrent callers",
            "aggregates/s",
            lambda m, d, s: m.w1_concurrent(d, s.w1_aggregates, s.w1_callers),
        ),
        Workload(
            "W2",
            "W2 load+decide+append, no snapshots",
            "commands/s",
            lambda m, d, s: m.w2_commands(d, s.w2_commands, 0),
        ),
        Workload(
            "W2",
            f"W2 load+decide+append, snapshot every {s.w2_snapshot_every}",
            "commands/s",
            lambda m, d, s: m.w2_commands(d, s.w2_commands, s.w2_snapshot_every),
        ),
        Workload(
            "W3",
            f"W3 cold load of {s.w3_events:,} events, no snapshot",
            "ms",
            lambda m, d, s: m.w3_load(d, s.w3_events, False),
            higher_is_better=False,
        ),
        Workload(
            "W3",
            f"W3 cold load of {s.w3_events:,} events, from a snapshot",
            "ms",
            lambda m, d, s: m.w3_load(d, s.w3_events, True),
            higher_is_better=False,
        ),
        Workload(
            "W4",
            f"W4 catch-up over {s.w4_events:,} events",
            "events/s",
            lambda m, d, s: m.w4_catch_up(d, s.w4_events, s.w4_events_per_stream),
        ),
    ]


def run_workloads(report: Report, sizes: Sizes, systems: Sequence[ModuleType], only: set[str]) -> None:
    """Every workload on every system, `sizes.runs` times, the systems interleaved run by run so that a
    slow patch of the (shared) machine hits them alike."""
    for workload in workloads(sizes):
        if only and workload.key not in only:
            continue
        figures = [
            report.add(
                Figure(workload.title, system.NAME, workload.unit, workload.higher_is_better, backend=system.BACKEND)
            )
            for system in systems
        ]
        for run in range(sizes.runs):
            for system, figure in zip(systems, figures, strict=True):
                with tempfile.TemporaryDirectory(prefix="martello-bench-") as directory:
                    began = time.perf_counter()
                    value = workload.measure(system, Path(directory), sizes)
                    figure.runs.append(value)
                progress(f"{workload.title} · {system.NAME} · run {run + 1}: {value:,.2f} {workload.unit}", began)


def progress(message: str, began: float) -> None:
    print(f"  {message}  ({time.perf_counter() - began:.1f} s)", file=sys.stderr, flush=True)
