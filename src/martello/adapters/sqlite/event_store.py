"""The event store, snapshots, outbox and inbox in one SQLite database per module."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from martello.adapters.sqlite.database import CommitSignal, SqliteDatabase
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import ConcurrencyError, DuplicateMessage, UniqueKeyTaken
from martello.kernel.events import Event, EventRegistry, registry, to_data
from martello.kernel.ids import IdProvider, new_id
from martello.kernel.inbox import INBOX_DDL
from martello.kernel.store import AppendResult, Snapshot, decode_rows

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
    """CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'stored events are immutable: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_are_permanent BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'stored events are immutable: DELETE refused'); END""",
    """CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        stream_version INTEGER NOT NULL,
        position INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        causation_id TEXT NOT NULL,
        actor TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS snapshots (
        stream_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        schema INTEGER NOT NULL,
        state TEXT NOT NULL,
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

EVENT_COLUMNS = (
    "position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor"
)
OUTBOX_FIELDS = (
    "id",
    "message_id",
    "type",
    "schema_version",
    "data",
    "stream_id",
    "stream_version",
    "position",
    "timestamp",
    "correlation_id",
    "causation_id",
    "actor",
)
INSERT_EVENT = (
    "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
    " correlation_id, causation_id, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def timestamp_text(moment: datetime) -> str:
    """A fixed-width UTC ISO-8601 text, so text order is time order (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteEventStore:
    def __init__(
        self,
        database: SqliteDatabase,
        *,
        events: EventRegistry = registry,
        clock: Clock | None = None,
        ids: IdProvider = new_id,
    ) -> None:
        self.database = database
        self.registry = events
        self.clock = clock or SystemClock()
        self.ids = ids
        self._outbox_signal = CommitSignal()

    async def migrate(self) -> None:
        def create(tx: sqlite3.Connection) -> None:
            for statement in SCHEMA:
                tx.execute(statement)

        await self.database.write(create)

    # -- writing ---------------------------------------------------------------------------------

    async def append(
        self,
        stream_id: str,
        events: Sequence[Event],
        context: MessageContext,
        *,
        expected_version: int | None,
        outbox: Sequence[Event] = (),
        inbox: tuple[str, str] | None = None,
        unique: Sequence[tuple[str, str]] = (),
    ) -> AppendResult:
        if not events:
            raise ValueError("append needs at least one event")
        stamp = timestamp_text(self.clock.now())
        ids = self.ids
        correlation, causation, actor = context.correlation_id, context.causation_id, context.actor
        rows: list[list[Any]] = [
            [
                stream_id,
                0,
                ids(),
                event.__event_type__,
                event.__schema_version__,
                orjson.dumps(to_data(event)).decode(),
                stamp,
                correlation,
                causation,
                actor,
            ]
            for event in events
        ]
        messages = [[ids(), m.__event_type__, m.__schema_version__, orjson.dumps(to_data(m)).decode()] for m in outbox]

        def write(tx: sqlite3.Connection) -> tuple[int, list[int]]:
            handled = "INSERT OR IGNORE INTO inbox (consumer, message_id) VALUES (?, ?)"
            if inbox is not None and tx.execute(handled, inbox).rowcount == 0:
                raise DuplicateMessage(f"{inbox[0]} already handled {inbox[1]}", consumer=inbox[0])
            for kind, value in unique:
                claimed = "INSERT OR IGNORE INTO unique_keys (kind, value, stream_id) VALUES (?, ?, ?)"
                if tx.execute(claimed, (kind, value, stream_id)).rowcount == 0:
                    owner = tx.execute("SELECT stream_id FROM unique_keys WHERE kind = ? AND value = ?", (kind, value))
                    if owner.fetchone()[0] != stream_id:
                        raise UniqueKeyTaken(kind, value)
            row = tx.execute("SELECT max(stream_version) FROM events WHERE stream_id = ?", (stream_id,)).fetchone()
            current = row[0] or 0
            if expected_version is not None and current != expected_version:
                raise ConcurrencyError(stream_id, expected_version, current)
            positions = []
            for offset, values in enumerate(rows, start=1):
                values[1] = current + offset
                positions.append(tx.execute(INSERT_EVENT, values).lastrowid or 0)
            version = current + len(rows)
            for message in messages:
                tx.execute(
                    INSERT_OUTBOX, (*message, stream_id, version, positions[-1], stamp, correlation, causation, actor)
                )
            return version, positions

        version, positions = await self.database.write(write)
        if messages:
            self._outbox_signal.notify()
        moment = datetime.fromisoformat(stamp)
        envelopes = tuple(
            Envelope(
                values[2],
                values[3],
                values[4],
                stream_id,
                values[1],
                position,
                moment,
                correlation,
                causation,
                actor,
                event,
            )
            for values, position, event in zip(rows, positions, events, strict=True)
        )
        return AppendResult(stream_id, version, positions[-1], envelopes)

    # -- reading ---------------------------------------------------------------------------------

    def _envelope(self, row: Any) -> Envelope[Event]:
        position, stream_id, version, message_id, type_, schema, data, stamp, correlation, causation, actor = row
        event = self.registry.decode(type_, schema, orjson.loads(data))
        return Envelope(
            message_id,
            type_,
            schema,
            stream_id,
            version,
            position,
            datetime.fromisoformat(stamp),
            correlation,
            causation,
            actor,
            event,
        )

    @staticmethod
    def _stream_query(
        columns: str, stream_id: str, after_version: int, to_version: int | None, until: datetime | None
    ) -> tuple[str, list[Any]]:
        sql = f"SELECT {columns} FROM events WHERE stream_id = ? AND stream_version > ?"
        params: list[Any] = [stream_id, after_version]
        if to_version is not None:
            sql += " AND stream_version <= ?"
            params.append(to_version)
        if until is not None:
            sql += " AND timestamp <= ?"
            params.append(timestamp_text(until))
        return sql + " ORDER BY stream_version", params

    async def read_stream(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Envelope[Event]]:
        sql, params = self._stream_query(EVENT_COLUMNS, stream_id, after_version, to_version, until)
        rows = await self.database.read(lambda tx: tx.execute(sql, params).fetchall())
        return [self._envelope(row) for row in rows]

    async def load_events(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        sql, params = self._stream_query("type, schema_version, data", stream_id, after_version, to_version, until)
        rows = await self.database.read(lambda tx: tx.execute(sql, params).fetchall())
        decode, loads = self.registry.decode, orjson.loads
        return [decode(type_, schema, loads(data)) for type_, schema, data in rows]

    async def read_all(
        self, after: int, limit: int = 1000, types: Collection[str] | None = None
    ) -> list[Envelope[Event]]:
        if types is not None:
            if not types:
                return []
            marks = ", ".join("?" * len(types))
            sql = (
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position > ? AND type IN ({marks}) ORDER BY position LIMIT ?"
            )
            params: tuple[Any, ...] = (after, *types, limit)
        else:
            sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"
            params = (after, limit)
        rows = await self.database.read(lambda tx: tx.execute(sql, params).fetchall())
        return decode_rows(rows, self._envelope, _stored_event)

    async def head(self) -> int:
        row = await self.database.read(lambda tx: tx.execute("SELECT max(position) FROM events").fetchone())
        return int(row[0] or 0)

    async def wait_for_events(self, after: int, timeout: float) -> None:
        if await self.head() > after:
            return
        await self.database.committed.wait(timeout)

    # -- snapshots ---------------------------------------------------------------------------------

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        state = orjson.dumps(snapshot.state).decode()
        await self.database.write(
            lambda tx: tx.execute(
                "INSERT OR REPLACE INTO snapshots (stream_id, version, schema, state) VALUES (?, ?, ?, ?)",
                (snapshot.stream_id, snapshot.version, snapshot.schema, state),
            )
        )

    async def load_from_snapshot(
        self, stream_id: str, *, snapshot_schema: int, to_version: int | None = None
    ) -> tuple[Snapshot | None, list[Event]]:
        bound = to_version if to_version is not None else 2**62
        snapshot_sql = (
            "SELECT version, state FROM snapshots WHERE stream_id = ? AND schema = ? AND version <= ?"
            " ORDER BY version DESC LIMIT 1"
        )

        def read(tx: sqlite3.Connection) -> tuple[Any, list[Any]]:
            row = tx.execute(snapshot_sql, (stream_id, snapshot_schema, bound)).fetchone()
            after = row[0] if row else 0
            sql, params = self._stream_query("type, schema_version, data", stream_id, after, to_version, None)
            return row, tx.execute(sql, params).fetchall()

        row, rows = await self.database.read(read)
        snapshot = Snapshot(stream_id, row[0], snapshot_schema, orjson.loads(row[1])) if row else None
        decode, loads = self.registry.decode, orjson.loads
        return snapshot, [decode(type_, schema, loads(data)) for type_, schema, data in rows]

    # -- outbox ----------------------------------------------------------------------------------

    async def pending(self, limit: int) -> list[tuple[int, Envelope[Event]]]:
        sql = (
            "SELECT id, message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
            " correlation_id, causation_id, actor FROM outbox ORDER BY id LIMIT ?"
        )
        rows = await self.database.read(lambda tx: tx.execute(sql, (limit,)).fetchall())
        return decode_rows(rows, self._message, _stored_message)

    def _message(self, row: Any) -> tuple[int, Envelope[Event]]:
        id_, message_id, type_, schema, data, stream_id, version, position, stamp, corr, cause, actor = row
        event = self.registry.decode(type_, schema, orjson.loads(data))
        moment = datetime.fromisoformat(stamp)
        return id_, Envelope(message_id, type_, schema, stream_id, version, position, moment, corr, cause, actor, event)

    async def mark_published(self, up_to: int) -> None:
        await self.database.write(lambda tx: tx.execute("DELETE FROM outbox WHERE id <= ?", (up_to,)))

    async def wait_for_messages(self, timeout: float) -> None:
        await self._outbox_signal.wait(timeout)


def _stored_data(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text  # kept verbatim: it is what was stored


def _stored_event(row: Any) -> tuple[int, dict[str, Any]]:
    stored = dict(zip(EVENT_COLUMNS.replace(" ", "").split(","), row, strict=True))
    stored["data"] = _stored_data(stored["data"])
    return int(row[0]), stored


def _stored_message(row: Any) -> tuple[int, dict[str, Any]]:
    stored = dict(zip(OUTBOX_FIELDS, row, strict=True))
    stored["data"] = _stored_data(stored["data"])
    return int(row[0]), stored
