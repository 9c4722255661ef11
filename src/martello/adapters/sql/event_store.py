"""The event store, snapshots, outbox and inbox of one module, in SQL any engine here runs.

The store is written once, against the kernel's `Transaction` (portable SQL with `?` placeholders).
What really differs between engines is a `Dialect`:

- how a store transaction is opened (SQLite's single writer; PostgreSQL's READ COMMITTED, where the
  `log_head` row lock makes appends take turns);
- how the next global positions are claimed;
- how JSON and timestamps are stored and read back;
- how waiters learn of a commit (an in-process signal; LISTEN/NOTIFY across processes);
- whether this replica may relay the outbox (always; only while holding a lease);
- how the tables are created (`CREATE ... IF NOT EXISTS`; numbered migrations).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypedDict, TypeVar

import orjson

from martello.kernel.clock import Clock, SystemClock
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import ConcurrencyError, DuplicateMessage, UniqueKeyTaken
from martello.kernel.events import Event, EventRegistry, registry, to_data
from martello.kernel.ids import IdProvider, new_id
from martello.kernel.store import AppendResult, Snapshot, decode_rows

T = TypeVar("T")

EVENT_COLUMNS = (
    "position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor"
)
OUTBOX_COLUMNS = (
    "id, message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
    " correlation_id, causation_id, actor"
)
EVENT_FIELDS = tuple(EVENT_COLUMNS.replace(" ", "").split(","))
OUTBOX_FIELDS = tuple(OUTBOX_COLUMNS.replace(" ", "").split(","))


class Dialect(Protocol):
    """What one engine does its own way; `SqlEventStore` does the rest."""

    json_value: str
    """The placeholder of a JSON value written as text (`?`, or `?::jsonb`)."""

    async def write(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` in one of the store's write transactions."""
        ...

    async def read(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` against one consistent snapshot."""
        ...

    async def migrate(self) -> None:
        """Create the store's tables, or bring them up to date."""
        ...

    def claim_positions(self, tx: Transaction, count: int) -> int:
        """The first of `count` global positions for an append (the rest follow it)."""
        ...

    def head(self, tx: Transaction) -> int:
        """The highest committed global position."""
        ...

    def any_of(self, column: str, values: Collection[str]) -> tuple[str, list[Any]]:
        """A condition `column` is one of `values`, and its parameters."""
        ...

    def stamp(self, moment: datetime) -> Any:
        """A UTC moment as stored."""
        ...

    def moment(self, stored: Any) -> datetime:
        """A stored moment, aware and in UTC."""
        ...

    def loads(self, stored: Any) -> Any:
        """A stored JSON value, decoded."""
        ...

    def notify(self, tx: Transaction, position: int, messages: bool) -> None:
        """In the append's transaction: wake waiters in other processes once it commits."""
        ...

    def committed(self, messages: bool) -> None:
        """After an append committed: wake waiters in this process."""
        ...

    def listen(self) -> None:
        """Start receiving commit notifications (before reading what to wait for)."""
        ...

    async def wait_for_events(self, timeout: float) -> None: ...

    async def wait_for_messages(self, timeout: float) -> None: ...

    async def may_relay(self) -> bool:
        """May this process publish the outbox now (the relay of N replicas is one of them)?"""
        ...

    async def close(self) -> None: ...


class StoreOptions(TypedDict, total=False):
    events: EventRegistry
    """The event classes it can read (default: every `@event` of the process)."""
    clock: Clock | None
    ids: IdProvider


def utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class SqlEventStore:
    def __init__(
        self,
        dialect: Dialect,
        *,
        events: EventRegistry = registry,
        clock: Clock | None = None,
        ids: IdProvider = new_id,
    ) -> None:
        self.dialect = dialect
        self.registry = events
        self.clock = clock or SystemClock()
        self.ids = ids
        self._loads = dialect.loads
        self._moment = dialect.moment
        self._insert_event = (
            f"INSERT INTO events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, {dialect.json_value}, ?, ?, ?, ?)"
        )
        self._insert_message = (
            f"INSERT INTO outbox ({OUTBOX_COLUMNS.removeprefix('id, ')})"
            f" VALUES (?, ?, ?, {dialect.json_value}, ?, ?, ?, ?, ?, ?, ?)"
        )
        self._save_snapshot = (
            f"INSERT INTO snapshots (stream_id, version, schema, state) VALUES (?, ?, ?, {dialect.json_value})"
            " ON CONFLICT (stream_id, version) DO UPDATE SET schema = excluded.schema, state = excluded.state"
        )

    async def migrate(self) -> None:
        await self.dialect.migrate()

    async def close(self) -> None:
        await self.dialect.close()

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
        moment = utc(self.clock.now())
        stamp = self.dialect.stamp(moment)
        ids, count = self.ids, len(events)
        correlation, causation, actor = context.correlation_id, context.causation_id, context.actor
        rows = [
            (ids(), event.__event_type__, event.__schema_version__, orjson.dumps(to_data(event)).decode())
            for event in events
        ]
        messages = [(ids(), m.__event_type__, m.__schema_version__, orjson.dumps(to_data(m)).decode()) for m in outbox]
        claims = sorted(set(unique))  # one lock order for every append: no deadlock between two claimants
        dialect = self.dialect

        def write(tx: Transaction) -> tuple[int, int]:
            if inbox is not None:
                handled = "INSERT INTO inbox (consumer, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
                if tx.execute(handled, inbox).rowcount == 0:
                    raise DuplicateMessage(f"{inbox[0]} already handled {inbox[1]}", consumer=inbox[0])
            for kind, value in claims:
                claim = "INSERT INTO unique_keys (kind, value, stream_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                if tx.execute(claim, (kind, value, stream_id)).rowcount == 0:
                    owner = tx.execute("SELECT stream_id FROM unique_keys WHERE kind = ? AND value = ?", (kind, value))
                    found = owner.fetchone()
                    if found is None or found[0] != stream_id:
                        raise UniqueKeyTaken(kind, value)
            first = dialect.claim_positions(tx, count)
            row = tx.execute("SELECT max(stream_version) FROM events WHERE stream_id = ?", (stream_id,)).fetchone()
            current = int(row[0] or 0) if row else 0
            if expected_version is not None and current != expected_version:
                raise ConcurrencyError(stream_id, expected_version, current)
            tx.executemany(
                self._insert_event,
                [
                    (first + i, stream_id, current + 1 + i, *values, stamp, correlation, causation, actor)
                    for i, values in enumerate(rows)
                ],
            )
            last, version = first + count - 1, current + count
            if messages:
                tx.executemany(
                    self._insert_message,
                    [(*m, stream_id, version, last, stamp, correlation, causation, actor) for m in messages],
                )
            dialect.notify(tx, last, bool(messages))
            return current, first

        current, first = await dialect.write(write)
        dialect.committed(bool(messages))
        envelopes = tuple(
            Envelope(
                message_id,
                type_,
                schema,
                stream_id,
                current + 1 + i,
                first + i,
                moment,
                correlation,
                causation,
                actor,
                event,
            )
            for i, ((message_id, type_, schema, _), event) in enumerate(zip(rows, events, strict=True))
        )
        return AppendResult(stream_id, current + count, first + count - 1, envelopes)

    # -- reading ---------------------------------------------------------------------------------

    def _envelope(self, row: Any) -> Envelope[Event]:
        position, stream_id, version, message_id, type_, schema, data, stamp, correlation, causation, actor = row
        return Envelope(
            message_id,
            type_,
            schema,
            stream_id,
            version,
            position,
            self._moment(stamp),
            correlation,
            causation,
            actor,
            self.registry.decode(type_, schema, self._loads(data)),
        )

    async def _select(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return await self.dialect.read(lambda tx: tx.execute(sql, params).fetchall())

    def _stream_query(
        self, columns: str, stream_id: str, after_version: int, to_version: int | None, until: datetime | None
    ) -> tuple[str, list[Any]]:
        sql = f"SELECT {columns} FROM events WHERE stream_id = ? AND stream_version > ?"
        params: list[Any] = [stream_id, after_version]
        if to_version is not None:
            sql += " AND stream_version <= ?"
            params.append(to_version)
        if until is not None:
            sql += " AND timestamp <= ?"
            params.append(self.dialect.stamp(utc(until)))
        return sql + " ORDER BY stream_version", params

    def _decode_events(self, rows: list[Any]) -> list[Event]:
        decode, loads = self.registry.decode, self._loads
        return [decode(type_, schema, loads(data)) for type_, schema, data in rows]

    async def read_stream(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Envelope[Event]]:
        sql, params = self._stream_query(EVENT_COLUMNS, stream_id, after_version, to_version, until)
        return [self._envelope(row) for row in await self._select(sql, params)]

    async def load_events(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        sql, params = self._stream_query("type, schema_version, data", stream_id, after_version, to_version, until)
        return self._decode_events(await self._select(sql, params))

    async def read_all(
        self, after: int, limit: int = 1000, types: Collection[str] | None = None
    ) -> list[Envelope[Event]]:
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE position > ?"
        params: list[Any] = [after]
        if types is not None:
            if not types:
                return []
            condition, values = self.dialect.any_of("type", types)
            sql += f" AND {condition}"
            params.extend(values)
        rows = await self._select(sql + " ORDER BY position LIMIT ?", (*params, limit))
        return decode_rows(rows, self._envelope, self._stored_event)

    async def head(self) -> int:
        return await self.dialect.read(self.dialect.head)

    async def wait_for_events(self, after: int, timeout: float) -> None:
        self.dialect.listen()
        if await self.head() > after:
            return
        await self.dialect.wait_for_events(timeout)

    # -- snapshots -------------------------------------------------------------------------------

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        params = (snapshot.stream_id, snapshot.version, snapshot.schema, orjson.dumps(snapshot.state).decode())
        await self.dialect.write(lambda tx: tx.execute(self._save_snapshot, params))

    async def load_from_snapshot(
        self, stream_id: str, *, snapshot_schema: int, to_version: int | None = None
    ) -> tuple[Snapshot | None, list[Event]]:
        bound = to_version if to_version is not None else 2**62
        snapshot_sql = (
            "SELECT version, state FROM snapshots WHERE stream_id = ? AND schema = ? AND version <= ?"
            " ORDER BY version DESC LIMIT 1"
        )

        def read(tx: Transaction) -> tuple[Any, list[Any]]:
            row = tx.execute(snapshot_sql, (stream_id, snapshot_schema, bound)).fetchone()
            after = row[0] if row else 0
            sql, params = self._stream_query("type, schema_version, data", stream_id, after, to_version, None)
            return row, tx.execute(sql, params).fetchall()

        row, rows = await self.dialect.read(read)
        snapshot = Snapshot(stream_id, row[0], snapshot_schema, self._loads(row[1])) if row else None
        return snapshot, self._decode_events(rows)

    # -- outbox ----------------------------------------------------------------------------------

    async def pending(self, limit: int) -> list[tuple[int, Envelope[Event]]]:
        """The oldest unpublished messages, for the process that may relay them (none for the others)."""
        if not await self.dialect.may_relay():
            return []
        rows = await self._select(f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id LIMIT ?", (limit,))
        return decode_rows(rows, self._message, self._stored_message)

    def _message(self, row: Any) -> tuple[int, Envelope[Event]]:
        id_, message_id, type_, schema, data, stream_id, version, position, stamp, corr, cause, actor = row
        event = self.registry.decode(type_, schema, self._loads(data))
        moment = self._moment(stamp)
        return id_, Envelope(message_id, type_, schema, stream_id, version, position, moment, corr, cause, actor, event)

    async def mark_published(self, up_to: int) -> None:
        await self.dialect.write(lambda tx: tx.execute("DELETE FROM outbox WHERE id <= ?", (up_to,)))

    async def wait_for_messages(self, timeout: float) -> None:
        await self.dialect.wait_for_messages(timeout)

    # -- rows that cannot be read, as stored ------------------------------------------------------

    def _stored(self, fields: tuple[str, ...], row: Any) -> tuple[int, dict[str, Any]]:
        stored = dict(zip(fields, row, strict=True))
        if isinstance(stored["timestamp"], datetime):
            stored["timestamp"] = stored["timestamp"].isoformat()
        with contextlib.suppress(orjson.JSONDecodeError):  # else kept verbatim: it is what was stored
            stored["data"] = self._loads(stored["data"])
        return int(row[0]), stored

    def _stored_event(self, row: Any) -> tuple[int, dict[str, Any]]:
        return self._stored(EVENT_FIELDS, row)

    def _stored_message(self, row: Any) -> tuple[int, dict[str, Any]]:
        return self._stored(OUTBOX_FIELDS, row)
