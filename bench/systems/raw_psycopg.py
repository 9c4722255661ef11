"""The physical limit on PostgreSQL: plain psycopg writing and reading the same rows as Martello's
events table (JSONB data decoded with orjson, as Martello's adapter does), one fresh schema per run."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb, set_json_dumps, set_json_loads

from bench.shape import payload
from bench.systems.postgres import URL, schema_for
from bench.systems.raw_sqlite import new_id

NAME = "raw psycopg"
KEY = "raw-psycopg"
"""For --systems."""
BACKEND = "postgres"

SCHEMA = (
    """CREATE TABLE events (
        position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id TEXT NOT NULL,
        stream_version BIGINT NOT NULL,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data JSONB NOT NULL,
        timestamp TIMESTAMPTZ NOT NULL,
        correlation_id TEXT NOT NULL,
        causation_id TEXT NOT NULL,
        actor TEXT,
        UNIQUE (stream_id, stream_version)
    )""",
    "CREATE TABLE snapshots (stream_id TEXT NOT NULL, version BIGINT NOT NULL, state JSONB NOT NULL,"
    " PRIMARY KEY (stream_id, version))",
)
INSERT = (
    "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) VALUES (%s, %s, %s, %s, 1, %s, %s, %s, %s, NULL)"
)
COLUMNS = (
    "position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor"
)
SELECT_STREAM = f"SELECT {COLUMNS} FROM events WHERE stream_id = %s AND stream_version > %s ORDER BY stream_version"
SELECT_SNAPSHOT = "SELECT version, state FROM snapshots WHERE stream_id = %s ORDER BY version DESC LIMIT 1"


def connect(schema: str) -> psycopg.Connection[Any]:
    connection = psycopg.connect(URL, autocommit=True, options=f"-c search_path={schema}")
    set_json_loads(orjson.loads, connection)
    set_json_dumps(orjson.dumps, connection)
    return connection


@contextmanager
def fresh_schema(directory: Path) -> Iterator[str]:
    schema = schema_for(directory)
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            with connect(schema) as connection:
                for statement in SCHEMA:
                    connection.execute(statement)
            yield schema
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def row(stream_id: str, version: int, type_: str, data: dict[str, Any]) -> tuple[Any, ...]:
    message_id = new_id()
    return (stream_id, version, message_id, type_, Jsonb(data), datetime.now(UTC), message_id, message_id)


def fill(schema: str, streams: int, events_per_stream: int) -> None:
    with connect(schema) as connection, connection.transaction(), connection.cursor() as cursor:
        for s in range(streams):
            stream_id = f"basket-{s:08d}"
            rows = [row(stream_id, v, "bench.ItemAdded", payload(s + v)) for v in range(1, events_per_stream + 1)]
            cursor.executemany(INSERT, rows)


def w1_sequential(directory: Path, aggregates: int) -> float:
    with fresh_schema(directory) as schema, connect(schema) as connection:
        data = payload()
        began = time.perf_counter()
        for _ in range(aggregates):
            connection.execute(INSERT, row(f"basket-{new_id()}", 1, "bench.BasketOpened", data))  # autocommit
        return aggregates / (time.perf_counter() - began)


def w1_concurrent(directory: Path, aggregates: int, callers: int) -> float:
    """`callers` threads, each with its own connection, each row its own transaction."""
    with fresh_schema(directory) as schema:
        connections = [connect(schema) for _ in range(callers)]
        data = payload()
        shares = [aggregates // callers + (1 if i < aggregates % callers else 0) for i in range(callers)]

        def caller(connection: psycopg.Connection[Any], count: int) -> None:
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


def w2_commands(directory: Path, commands: int, snapshot_every: int) -> float:
    with fresh_schema(directory) as schema, connect(schema) as connection:
        stream_id = f"basket-{new_id()}"
        connection.execute(INSERT, row(stream_id, 1, "bench.BasketOpened", payload()))
        data = payload()
        began = time.perf_counter()
        for _ in range(commands):
            with connection.transaction():
                version, units = 0, 0
                if snapshot_every:
                    snapshot = connection.execute(SELECT_SNAPSHOT, (stream_id,)).fetchone()
                    if snapshot is not None:
                        version, units = snapshot[0], snapshot[1]["units"]
                rows = connection.execute(SELECT_STREAM, (stream_id, version)).fetchall()
                units += sum(r[6]["quantity"] for r in rows)
                version += len(rows)
                if data["quantity"] <= 0:  # the decision
                    raise ValueError("quantity must be positive")
                connection.execute(INSERT, row(stream_id, version + 1, "bench.ItemAdded", data))
                if snapshot_every and (version + 1) % snapshot_every == 0:
                    state = Jsonb({"units": units + data["quantity"]})
                    connection.execute("INSERT INTO snapshots VALUES (%s, %s, %s)", (stream_id, version + 1, state))
        return commands / (time.perf_counter() - began)


def w3_load(directory: Path, events: int, snapshot: bool) -> float:
    with fresh_schema(directory) as schema:
        fill(schema, 1, events)
        stream_id = "basket-00000000"
        if snapshot:
            with connect(schema) as connection:
                rows = connection.execute(SELECT_STREAM, (stream_id, 0)).fetchall()
                state = Jsonb({"units": sum(r[6]["quantity"] for r in rows)})
                connection.execute("INSERT INTO snapshots VALUES (%s, %s, %s)", (stream_id, events, state))
        with connect(schema) as connection:  # cold: a new connection
            connection.execute("SELECT 1").fetchone()
            began = time.perf_counter()
            version, units = 0, 0
            if snapshot:
                found = connection.execute(SELECT_SNAPSHOT, (stream_id,)).fetchone()
                assert found is not None
                version, units = found[0], found[1]["units"]
            rows = connection.execute(SELECT_STREAM, (stream_id, version)).fetchall()
            units += sum(r[6]["quantity"] for r in rows)
            elapsed = time.perf_counter() - began
        assert version + len(rows) == events
        return elapsed * 1000


def w4_catch_up(directory: Path, events: int, per_stream: int) -> float:
    with fresh_schema(directory) as schema:
        fill(schema, events // per_stream, per_stream)
        with connect(schema) as connection:
            sql = f"SELECT {COLUMNS} FROM events WHERE position > %s ORDER BY position LIMIT 500"
            began = time.perf_counter()
            position, seen = 0, 0
            while rows := connection.execute(sql, (position,)).fetchall():
                seen += len(rows)
                position = rows[-1][0]
            elapsed = time.perf_counter() - began
        return seen / elapsed
