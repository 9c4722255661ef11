"""Martello's benchmarks: `python -m bench --quick` or `--full` (`make bench-quick`, `make bench`).

Three systems run the same workloads on the same event shape and the same SQLite durability setting:
raw `sqlite3` (the physical limit), the `eventsourcing` library, and Martello's kernel through its
public API. See docs/benchmarks.md.
"""
