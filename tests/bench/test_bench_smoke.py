"""The benchmark's machinery: every workload runs at a minimal size and reports in the expected shape.

Never asserts a timing: these sizes measure nothing, they only prove `make bench` will run.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from bench.__main__ import run
from bench.plan import SMOKE
from bench.report import Figure, Report
from tests.servers import require_postgres, unavailable


@pytest.fixture(autouse=True)
def bench_extra() -> None:
    """The comparison needs the bench extra: skipped without it, except under CI=true, where it must run."""
    if importlib.util.find_spec("eventsourcing") is None:
        unavailable("the bench extra is not installed: pip install -e '.[bench]'")


def expected_systems() -> list[list[str]]:
    """The PostgreSQL systems are measured when the server answers; under CI=true it must."""
    if os.environ.get("CI", "").lower() == "true":
        require_postgres()
        return [SYSTEMS + POSTGRES_SYSTEMS]
    return [SYSTEMS, SYSTEMS + POSTGRES_SYSTEMS]


SYSTEMS = ["raw sqlite3", "eventsourcing", "martello"]
POSTGRES_SYSTEMS = ["raw psycopg", "martello (postgres)"]
"""Measured too when PostgreSQL answers (else the report says it skipped them)."""
HEADER = "| workload | system | median | min | max | unit | Martello vs baseline |"


def test_every_workload_runs_once_and_the_table_and_json_agree(tmp_path: Path) -> None:
    report = run("smoke", SMOKE, only=set(), out=tmp_path)

    workloads = {figure.workload.split()[0] for figure in report.figures}
    assert workloads == {"W1", "W2", "W3", "W4", "W5", "W6"}
    for key in ("W1", "W2", "W3", "W4"):
        titles = dict.fromkeys(f.workload for f in report.figures if f.workload.startswith(key))
        for title in titles:
            systems = [f.system for f in report.figures if f.workload == title]
            assert systems in expected_systems(), systems
    for figure in report.figures:
        assert len(figure.runs) == SMOKE.runs, figure
        assert all(value > 0 for value in figure.runs), figure
        if figure.system == "martello" or figure.compare_to:
            assert report.ratios(figure), f"no ratio for {figure.workload} {figure.unit}"

    lines = report.table().splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 2 + len(report.figures)
    assert all(line.startswith("| W") and line.count("|") == 8 for line in lines[2:])
    heading = report.heading()
    for version in ("Python", "SQLite", "PostgreSQL", "synchronous=FULL"):
        assert version in heading

    latest = json.loads((tmp_path / "latest.json").read_text())
    assert next(path.name for path in tmp_path.iterdir() if path.name != "latest.json").endswith("-smoke.json")
    assert latest["mode"] == "smoke"
    assert set(latest["environment"]) >= {"python", "sqlite", "postgresql", "synchronous", "load_generator"}
    assert len(latest["figures"]) == len(report.figures)
    for record in latest["figures"]:
        assert set(record) >= {"workload", "system", "unit", "runs", "median", "min", "max", "ratios"}
        assert record["min"] <= record["median"] <= record["max"]


def test_the_python_load_generator_stands_in_for_wrk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_LOAD", "python")
    report = run("smoke", SMOKE, only={"W5"}, out=None)

    assert "python httpx" in report.environment["load_generator"]
    assert {f.unit for f in report.figures} == {"req/s", "ms p50", "ms p99"}
    assert all(len(f.runs) == SMOKE.runs for f in report.figures)


def test_ratios_are_speed_ups_whichever_way_the_unit_points() -> None:
    report = Report("test", {}, {})
    report.add(Figure("W1", "raw sqlite3", "aggregates/s", runs=[100.0, 200.0, 300.0]))
    faster = report.add(Figure("W1", "martello", "aggregates/s", runs=[100.0, 100.0, 100.0]))
    report.add(Figure("W3", "eventsourcing", "ms", higher_is_better=False, runs=[50.0]))
    quicker = report.add(Figure("W3", "martello", "ms", higher_is_better=False, runs=[10.0]))
    trivial = report.add(Figure("W5 trivial", "martello (uvicorn)", "req/s", runs=[1000.0]))
    command = report.add(
        Figure("W5 command", "martello (uvicorn)", "req/s", runs=[250.0], compare_to=(("W5 trivial", trivial.system),))
    )

    assert report.ratios(faster) == {"raw sqlite3": 0.5}
    assert report.ratios(quicker) == {"eventsourcing": 5.0}
    assert report.ratios(command) == {"W5 trivial": 0.25}
    assert report.ratios(trivial) == {}
    assert "0.50x raw sqlite3" in report.table()


def test_not_yet_measured_workloads_print_a_reason() -> None:
    report = Report("test", {}, {})
    report.add(Figure("W6", "martello (uvicorn)", "flows/s", note="n/a (modules not yet present: cart)"))
    assert "| W6 | martello (uvicorn) | n/a (modules not yet present: cart) |" in report.table()
