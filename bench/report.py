"""Figures, the markdown table and the JSON record of one benchmark run."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

MARTELLO = "martello"


@dataclass
class Figure:
    """One workload measured on one system: a value per run."""

    workload: str
    system: str
    unit: str
    higher_is_better: bool = True
    runs: list[float] = field(default_factory=list)
    backend: str = "sqlite"
    """Ratios compare systems on the same storage engine only."""
    compare_to: tuple[tuple[str, str], ...] = ()
    """For Martello's figures: (workload, system) pairs to state the ratio against; by default every
    non-Martello system measured on the same workload in the same unit."""
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def min(self) -> float | None:
        return min(self.runs) if self.runs else None

    @property
    def max(self) -> float | None:
        return max(self.runs) if self.runs else None

    def speedup_over(self, other: Figure) -> float | None:
        """How many times Martello is faster (>1) or slower (<1) than `other`, by median."""
        mine, theirs = self.median, other.median
        if not mine or not theirs:
            return None
        return mine / theirs if self.higher_is_better else theirs / mine


@dataclass
class Report:
    mode: str
    environment: dict[str, str]
    sizes: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def ratios(self, figure: Figure) -> dict[str, float]:
        """Martello's speed-up over each baseline, by name."""
        if not figure.system.startswith(MARTELLO):
            return {}
        if figure.compare_to:
            pairs = set(figure.compare_to)
            baselines = [(f.workload, f) for f in self.figures if (f.workload, f.system) in pairs]
        else:
            baselines = [
                (f.system, f)
                for f in self.figures
                if f.workload == figure.workload and f.backend == figure.backend and not f.system.startswith(MARTELLO)
            ]
        ratios = {}
        for name, other in baselines:
            ratio = figure.speedup_over(other) if other.unit == figure.unit else None
            if ratio is not None:
                ratios[name] = ratio
        return ratios

    # -- output ----------------------------------------------------------------------------------

    def heading(self) -> str:
        env = self.environment
        return "\n".join(
            [
                f"## Martello benchmarks ({self.mode}) — {self.started_at}",
                "",
                f"Python {env['python']} · SQLite {env['sqlite']} · PostgreSQL {env['postgresql']}"
                f" · eventsourcing {env['eventsourcing']} · {env['machine']}",
                f"SQLite: journal_mode=WAL, synchronous={env['synchronous']} for every system"
                f" · Martello on {env['event_loop']} (as `martello run`) · HTTP load: {env['load_generator']}"
                f" · load average at start {env['load_average']} (other work on the machine skews figures)",
                "Each figure: median, min and max of the runs, each run on an empty store."
                " Ratio = Martello's speed-up over the baseline (> 1: Martello is faster).",
            ]
        )

    def table(self) -> str:
        lines = [
            "| workload | system | median | min | max | unit | Martello vs baseline |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        for f in self.figures:
            if not f.runs:
                lines.append(f"| {f.workload} | {f.system} | {f.note or 'n/a'} | | | {f.unit} | |")
                continue
            ratios = " · ".join(f"{ratio:.2f}x {name}" for name, ratio in self.ratios(f).items())
            cells = [_number(f.median), _number(f.min), _number(f.max)]
            lines.append(f"| {f.workload} | {f.system} | {' | '.join(cells)} | {f.unit} | {ratios} |")
        return "\n".join(lines)

    def markdown(self) -> str:
        notes = "".join(f"\n- {note}" for note in self.notes)
        return f"{self.heading()}\n\n{self.table()}\n{notes}\n"

    def to_json(self) -> dict[str, Any]:
        figures = []
        for f in self.figures:
            record = asdict(f)
            record.update(median=f.median, min=f.min, max=f.max, ratios=self.ratios(f))
            figures.append(record)
        return {
            "mode": self.mode,
            "started_at": self.started_at,
            "environment": self.environment,
            "sizes": self.sizes,
            "figures": figures,
            "notes": self.notes,
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), indent=2)
        stamp = self.started_at.replace(":", "").replace("-", "").replace("+0000", "Z")
        path = directory / f"{stamp}-{self.mode}.json"
        path.write_text(text)
        (directory / "latest.json").write_text(text)
        return path


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def postgres_version(dsn: str = "host=127.0.0.1 port=5432 dbname=test connect_timeout=2") -> str:
    try:
        import psycopg

        with psycopg.connect(dsn) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            commit = connection.execute("SHOW synchronous_commit").fetchone()
        return f"{row[0] if row else '?'} (synchronous_commit={commit[0] if commit else '?'})"
    except Exception as error:
        return f"not reachable at 127.0.0.1:5432 ({type(error).__name__})"


def event_loop() -> str:
    try:
        return f"uvloop {metadata.version('uvloop')}"
    except metadata.PackageNotFoundError:
        return "asyncio"


def environment(synchronous: str, load_generator: str) -> dict[str, str]:
    try:
        eventsourcing = metadata.version("eventsourcing")
    except metadata.PackageNotFoundError:
        eventsourcing = "not installed"
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "eventsourcing": eventsourcing,
        "machine": f"{platform.system()} {platform.machine()}, {_cpus()} CPUs",
        "synchronous": synchronous,
        "load_generator": load_generator,
        "event_loop": event_loop(),
        "load_average": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "executable": sys.executable,
    }


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
