"""`python -m bench --quick | --full [--only W1,W5] [--runs N]`: print the table, write var/bench/*.json."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from types import ModuleType

from bench.http_load import load_generator, measure_http
from bench.plan import FULL, QUICK, SMOKE, Sizes
from bench.report import Report, environment
from bench.shape import SYNCHRONOUS
from bench.shop_flow import measure_shop
from bench.workloads import run_workloads


def systems(keys: set[str], notes: list[str]) -> list[ModuleType]:
    """The systems to measure, by --systems key; the PostgreSQL ones only when the server answers."""
    from bench.systems import eventsourcing_lib, martello_kernel, postgres, raw_sqlite

    chosen = [system for system in (raw_sqlite, eventsourcing_lib, martello_kernel) if not keys or system.KEY in keys]
    if keys and not keys & {"raw-psycopg", "martello-postgres"}:
        return chosen
    if not postgres.reachable():
        notes.append(f"PostgreSQL rows skipped: no server at {postgres.URL} (MTL_BENCH_POSTGRES_URL).")
        return chosen
    from bench.systems import martello_postgres, raw_psycopg

    return chosen + [system for system in (raw_psycopg, martello_postgres) if not keys or system.KEY in keys]


def run(mode: str, sizes: Sizes, only: set[str], out: Path | None, names: set[str] = frozenset()) -> Report:
    report = Report(mode, environment(SYNCHRONOUS, load_generator()), asdict(sizes))
    began = time.perf_counter()
    print(f"martello bench ({mode}): progress on stderr, the table on stdout", file=sys.stderr, flush=True)
    phases = {
        "W1-W4": lambda: run_workloads(report, sizes, systems(names, report.notes), only),
        "W5": lambda: measure_http(report, sizes),
        "W6": lambda: measure_shop(report, sizes),
    }
    spent = []
    for phase, measure in phases.items():
        if phase == "W1-W4" or not only or phase in only:
            started = time.perf_counter()
            measure()
            spent.append(f"{phase} {time.perf_counter() - started:.0f} s")
    report.notes.append(f"Wall time {time.perf_counter() - began:.0f} s ({', '.join(spent)}).")
    if out is not None:
        path = report.write(out)
        report.notes.append(f"JSON: {path} (and {out / 'latest.json'})")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--full", action="store_true", help="the reference sizes (a few minutes; the default)")
    group.add_argument("--quick", action="store_true", help="smaller sizes, same table (under a minute)")
    group.add_argument("--smoke", action="store_true", help="minimal sizes: checks the machinery, not speed")
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3")
    parser.add_argument("--runs", type=int, help="runs per figure (at least 3 for a median worth the name)")
    parser.add_argument(
        "--systems",
        default="",
        help="comma-separated: raw-sqlite, eventsourcing, martello, raw-psycopg, martello-postgres (default: all)",
    )
    parser.add_argument("--out", default="var/bench", help="where the JSON goes ('' to write none)")
    args = parser.parse_args(argv)
    mode, sizes = ("quick", QUICK) if args.quick else ("smoke", SMOKE) if args.smoke else ("full", FULL)
    if args.runs:
        sizes = replace(sizes, runs=args.runs)
    only = {part.strip().upper() for part in args.only.split(",") if part.strip()}
    names = {part.strip() for part in args.systems.split(",") if part.strip()}
    report = run(mode, sizes, only, Path(args.out) if args.out else None, names)
    print(report.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
