"""The event store's tables, declared once; each engine supplies how it spells a few column types.

Triggers that keep stored events immutable, and anything an engine needs besides these tables
(PostgreSQL's `log_head`), are the engine's own: see its `event_store.py`/`migrations.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from martello.kernel.inbox import INBOX_DDL


@dataclass(frozen=True, slots=True)
class ColumnTypes:
    big: str
    """A 64-bit integer: `INTEGER` in SQLite, `BIGINT` in PostgreSQL (whose `INTEGER` has 32 bits)."""
    identity: str
    """An auto-numbered 64-bit primary key."""
    json: str
    """A JSON document."""
    timestamp: str
    """A moment in UTC."""


def event_store_tables(types: ColumnTypes) -> tuple[str, ...]:
    """`CREATE TABLE IF NOT EXISTS` statements of the event log, outbox, snapshots, inbox and unique keys."""
    big, json, timestamp = types.big, types.json, types.timestamp
    return (
        f"""CREATE TABLE IF NOT EXISTS events (
            position {big} PRIMARY KEY,
            stream_id TEXT NOT NULL,
            stream_version {big} NOT NULL,
            message_id TEXT NOT NULL,
            type TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            data {json} NOT NULL,
            timestamp {timestamp} NOT NULL,
            correlation_id TEXT NOT NULL,
            causation_id TEXT NOT NULL,
            actor TEXT,
            UNIQUE (stream_id, stream_version)
        )""",
        f"""CREATE TABLE IF NOT EXISTS outbox (
            id {types.identity},
            message_id TEXT NOT NULL,
            type TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            data {json} NOT NULL,
            stream_id TEXT NOT NULL,
            stream_version {big} NOT NULL,
            position {big} NOT NULL,
            timestamp {timestamp} NOT NULL,
            correlation_id TEXT NOT NULL,
            causation_id TEXT NOT NULL,
            actor TEXT
        )""",
        f"""CREATE TABLE IF NOT EXISTS snapshots (
            stream_id TEXT NOT NULL,
            version {big} NOT NULL,
            schema INTEGER NOT NULL,
            state {json} NOT NULL,
            PRIMARY KEY (stream_id, version)
        )""",
        INBOX_DDL,
        """CREATE TABLE IF NOT EXISTS unique_keys (
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            stream_id TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        )""",
    )
