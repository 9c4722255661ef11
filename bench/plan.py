"""Workload sizes: `--full` is the reference run, `--quick` the same table in under a minute."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    runs: int
    """Runs per figure (each from an empty store); the table shows their median, min and max."""
    w1_aggregates: int
    w1_callers: int
    w2_commands: int
    w2_snapshot_every: int
    w3_events: int
    w4_events: int
    w4_events_per_stream: int
    w5_seconds: float
    w5_connections: int
    w6_flows: int
    w6_customers: int
    """Customers buying at the same time."""


FULL = Sizes(
    runs=3,
    w1_aggregates=5_000,
    w1_callers=32,
    w2_commands=2_000,
    w2_snapshot_every=100,
    w3_events=10_000,
    w4_events=50_000,
    w4_events_per_stream=10,
    w5_seconds=10.0,
    w5_connections=32,
    w6_flows=100,
    w6_customers=16,
)

QUICK = Sizes(
    runs=3,
    w1_aggregates=300,
    w1_callers=32,
    w2_commands=150,
    w2_snapshot_every=100,
    w3_events=2_000,
    w4_events=2_000,
    w4_events_per_stream=10,
    w5_seconds=2.0,  # 3 runs x 3 endpoints: keeps the whole quick run well under 60 s
    w5_connections=32,
    w6_flows=10,
    w6_customers=8,
)

SMOKE = Sizes(
    runs=1,
    w1_aggregates=20,
    w1_callers=4,
    w2_commands=12,
    w2_snapshot_every=5,
    w3_events=30,
    w4_events=60,
    w4_events_per_stream=5,
    w5_seconds=0.5,
    w5_connections=4,
    w6_flows=2,
    w6_customers=2,
)
"""For the smoke test: every workload once, at a size that runs in seconds (its figures mean nothing)."""
