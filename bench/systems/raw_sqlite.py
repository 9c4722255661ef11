"""The physical limit: plain `sqlite3` writing and reading the same rows as Martello's events table."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench.shape import SYNCHRONOUS, payload

NAME = "raw sqlite3"
KEY = "raw-sqlite"
BACKEND = "sqlite"
"""For --systems."""

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY,
        stream_id TEXT NOT NULL,
        stream_version INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        causation_id TEXT NOT NULL,
        actor TEXT,
        UNIQUE (stream_id, stream_version)
    )""",
    "CREATE TABLE IF NOT EXISTS snapshots (stream_id TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL,"
    " PRIMARY KEY (stream_id, version))",
)
INSERT = (
    "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, NULL)"
)
COLUMNS = (
    "position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor"
)
SELECT_STREAM = f"SELECT {COLUMNS} FROM events WHERE stream_id = ? AND stream_version > ? ORDER BY stream_version"
SELECT_SNAPSHOT = "SELECT version, state FROM snapshots WHERE stream_id = ? ORDER BY version DESC LIMIT 1"


def connect(directory: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(directory / "raw.db", isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def create_schema(directory: Path) -> None:
    with connect(directory) as connection:
        for statement in SCHEMA:
            connection.execute(statement)
    connection.close()


def new_id() -> str:
    return os.urandom(16).hex()


def row(stream_id: str, version: int, type_: str, data: dict[str, Any]) -> tuple[Any, ...]:
    """One event row: the payload as JSON text plus the envelope columns."""
    message_id = new_id()
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    return (stream_id, version, message_id, type_, orjson.dumps(data).decode(), stamp, message_id, message_id)


def fill(directory: Path, streams: int, events_per_stream: int) -> None:
    """Setup (untimed): `streams` streams of `events_per_stream` events, in one transaction."""
    create_schema(directory)
    connection = connect(directory)
    connection.execute("BEGIN")
    for s in range(streams):
        stream_id = f"basket-{s:08d}"
        rows = [row(stream_id, v, "bench.ItemAdded", payload(s + v)) for v in range(1, events_per_stream + 1)]
        connection.executemany(INSERT, rows)
    connection.execute("COMMIT")
    connection.close()


# -- W1: one new stream with one event per transaction -------------------------------------------


def w1_sequential(directory: Path, aggregates: int) -> float:
    create_schema(directory)
    connection = connect(directory)
    data = payload()
    began = time.perf_counter()
    for _ in range(aggregates):
        connection.execute(INSERT, row(f"basket-{new_id()}", 1, "bench.BasketOpened", data))  # autocommit: 1 tx
    elapsed = time.perf_counter() - began
    connection.close()
    return aggregates / elapsed


def w1_concurrent(directory: Path, aggregates: int, callers: int) -> float:
    """`callers` threads, each with its own connection, each row its own transaction."""
    create_schema(directory)
    connections = [connect(directory) for _ in range(callers)]
    data = payload()
    shares = [aggregates // callers + (1 if i < aggregates % callers else 0) for i in range(callers)]

    def caller(connection: sqlite3.Connection, count: int) -> None:
        for _ in range(count):
            connection.execute(INSERT, row(f"basket-{new_id()}", 1, "bench.BasketOpened", data))

    threads = [threading.Thread(target=caller, args=pair) for pair in zip(connections, shares, strict=True)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for connection in connections:
        connection.close()
    return aggregates / elapsed


# -- W2: load (snapshot + rows, json decode, fold), decide, append one row -----------------------


def _fold(rows: list[Any], units: int) -> int:
    for r in rows:
        units += orjson.loads(r[6])["quantity"]
    return units


def w2_commands(directory: Path, commands: int, snapshot_every: int) -> float:
    create_schema(directory)
    connection = connect(directory)
    stream_id = f"basket-{new_id()}"
    connection.execute(INSERT, row(stream_id, 1, "bench.BasketOpened", payload()))
    data = payload()
    began = time.perf_counter()
    for _ in range(commands):
        connection.execute("BEGIN IMMEDIATE")
        version, units = 0, 0
        if snapshot_every:
            snapshot = connection.execute(SELECT_SNAPSHOT, (stream_id,)).fetchone()
            if snapshot is not None:
                version, units = snapshot[0], orjson.loads(snapshot[1])["units"]
        rows = connection.execute(SELECT_STREAM, (stream_id, version)).fetchall()
        units = _fold(rows, units)
        version += len(rows)
        if data["quantity"] <= 0:  # the decision
            raise ValueError("quantity must be positive")
        connection.execute(INSERT, row(stream_id, version + 1, "bench.ItemAdded", data))
        if snapshot_every and (version + 1) % snapshot_every == 0:
            state = orjson.dumps({"units": units + data["quantity"]}).decode()
            connection.execute("INSERT INTO snapshots VALUES (?, ?, ?)", (stream_id, version + 1, state))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return commands / elapsed


# -- W3: load one long stream cold -----------------------------------------------------------------


def w3_load(directory: Path, events: int, snapshot: bool) -> float:
    fill(directory, 1, events)
    stream_id = "basket-00000000"
    if snapshot:
        with connect(directory) as connection:
            units = _fold(connection.execute(SELECT_STREAM, (stream_id, 0)).fetchall(), 0)
            state = orjson.dumps({"units": units}).decode()
            connection.execute("INSERT INTO snapshots VALUES (?, ?, ?)", (stream_id, events, state))
        connection.close()
    connection = connect(directory)  # cold: a new connection, nothing of the stream in memory
    connection.execute("SELECT 1").fetchone()
    began = time.perf_counter()
    version, units = 0, 0
    if snapshot:
        found = connection.execute(SELECT_SNAPSHOT, (stream_id,)).fetchone()
        version, units = found[0], orjson.loads(found[1])["units"]
    rows = connection.execute(SELECT_STREAM, (stream_id, version)).fetchall()
    units = _fold(rows, units)
    elapsed = time.perf_counter() - began
    connection.close()
    assert version + len(rows) == events
    return elapsed * 1000


# -- W4: read every row from position 0 and decode it (no read model written) ---------------------


def w4_catch_up(directory: Path, events: int, per_stream: int) -> float:
    fill(directory, events // per_stream, per_stream)
    connection = connect(directory)
    sql = f"SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT 500"
    began = time.perf_counter()
    position, seen = 0, 0
    while True:
        rows = connection.execute(sql, (position,)).fetchall()
        if not rows:
            break
        for r in rows:
            orjson.loads(r[6])
        seen += len(rows)
        position = rows[-1][0]
    elapsed = time.perf_counter() - began
    connection.close()
    assert seen == events // per_stream * per_stream
    return seen / elapsed
