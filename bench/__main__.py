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


def systems(names: set[str]) -> list[ModuleType]:
    from bench.systems import eventsourcing_lib, martello_kernel, raw_sqlite

    every = [raw_sqlite, eventsourcing_lib, martello_kernel]
    return [system for system in every if not names or system.NAME.split()[-1] in names]


def run(mode: str, sizes: Sizes, only: set[str], out: Path | None, names: set[str] = frozenset()) -> Report:
    report = Report(mode, environment(SYNCHRONOUS, load_generator()), asdict(sizes))
    began = time.perf_counter()
    print(f"martello bench ({mode}): progress on stderr, the table on stdout", file=sys.stderr, flush=True)
    run_workloads(report, sizes, systems(names), only)
    if not only or "W5" in only:
        measure_http(report, sizes)
    if not only or "W6" in only:
        measure_shop(report, sizes)
    report.notes.append(f"Total wall time {time.perf_counter() - began:.0f} s.")
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
    parser.add_argument("--systems", default="", help="comma-separated: sqlite3 (raw), eventsourcing, martello")
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
