"""The event store, snapshots, outbox and inbox of one module in its own PostgreSQL schema.

Global order with concurrent writers
------------------------------------
A follower reads `read_all(after=n)` and then asks for what comes after the last position it saw.
That is only safe if an event can never become visible *below* a position a reader has already
seen. With positions from a sequence it could: writer A takes position 7, writer B takes 8 and
commits first, a follower reads 8, then A commits 7 - missed for good.

So appends to one module's log take turns. Each append, after its inbox and unique-key checks,
increments the single row of `log_head` (`UPDATE ... RETURNING`). That row lock is held until the
transaction ends, so a second writer waits there until the first has committed, and only then gets
the next positions. PostgreSQL makes a transaction visible before it releases its locks, hence:

- positions are gapless and committed in increasing order: every snapshot sees a prefix of the log;
- `head()` is just the row's committed value, and everything up to it is visible;
- the stream-version check runs after the lock is taken, so it sees the previous append.

The cost is one append transaction in flight per module at a time (a few hundred to a few thousand
appends per second, bounded by commit latency), which a module's own log easily lives with. The
alternative that lets appends overlap - remembering each event's transaction id and reading only
below `pg_snapshot_xmin(pg_current_snapshot())` - trades that limit for a subtler reader.

Stored events are immutable: a trigger refuses every UPDATE, DELETE and TRUNCATE on `events`.
Migrations run at start-up under an advisory lock, each recorded once in `schema_migrations`.

The outbox relay of N replicas: `pending()` returns messages only to the replica holding the
module's relay lease (see `lease.py`), so one publisher keeps the outbox order and others stand by.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg

from martello.adapters.postgres.database import PostgresDatabase, lock_schema
from martello.adapters.postgres.lease import AdvisoryLease
from martello.adapters.postgres.migrations import MIGRATIONS
from martello.adapters.postgres.notifications import Listener, Signal
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import ConcurrencyError, DuplicateMessage, UniqueKeyTaken
from martello.kernel.events import Event, EventRegistry, registry, to_data
from martello.kernel.ids import IdProvider, new_id
from martello.kernel.store import AppendResult, Snapshot, decode_rows

log = logging.getLogger("martello.postgres")

EVENT_COLUMNS = (
    "position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor"
)
INSERT_EVENT = (
    "INSERT INTO events (position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s)"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
    " correlation_id, causation_id, actor) VALUES (%s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s)"
)
OUTBOX_COLUMNS = (
    "id, message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
    " correlation_id, causation_id, actor"
)

Connection = psycopg.Connection[Any]


def utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC (as the SQLite store does)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class PostgresEventStore:
    def __init__(
        self,
        database: PostgresDatabase,
        *,
        events: EventRegistry = registry,
        clock: Clock | None = None,
        ids: IdProvider = new_id,
        wait_for_server: float = 0.0,
    ) -> None:
        self.database = database
        self.wait_for_server = wait_for_server
        """How long `migrate` retries while the server is unreachable (a service may start before it)."""
        self.registry = events
        self.clock = clock or SystemClock()
        self.ids = ids
        schema = database.schema
        self.events_channel = f"{schema}.events"
        self.outbox_channel = f"{schema}.outbox"
        self._appended = Signal()
        self._outbox_filled = Signal()
        self._listener = Listener(
            database.url,
            database.connection_options,
            {self.events_channel: self._appended, self.outbox_channel: self._outbox_filled},
        )
        self._relay_lease = AdvisoryLease(database.url, f"{schema}:outbox-relay")

    async def migrate(self) -> None:
        """Apply the migrations not applied yet (waiting up to `wait_for_server` for the server; the wait
        ends at once when cancelled). A database that does not exist raises `DatabaseMissing` at once."""
        deadline = asyncio.get_running_loop().time() + self.wait_for_server
        backoff = 0.2
        while True:
            try:
                await self.database.reach()
                await self.database.run(self._migrate, isolation="READ COMMITTED")
                return
            except psycopg.OperationalError as error:
                if asyncio.get_running_loop().time() + backoff > deadline:
                    raise
                log.warning(
                    "PostgreSQL not reachable for %s (%s); retrying in %.1fs", self.database.schema, error, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    def _migrate(self, connection: Connection) -> None:
        lock_schema(connection, self.database.schema, "ddl")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in connection.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, description, statements in MIGRATIONS:
            if version in applied:
                continue
            for statement in statements:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)", (version, description)
            )
            log.info("%s: applied migration %d (%s)", self.database.schema, version, description)

    async def close(self) -> None:
        await self._listener.stop()
        await asyncio.to_thread(self._relay_lease.release)

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
        correlation, causation, actor = context.correlation_id, context.causation_id, context.actor
        rows = [
            (self.ids(), event.__event_type__, event.__schema_version__, orjson.dumps(to_data(event)).decode())
            for event in events
        ]
        messages = [
            (self.ids(), m.__event_type__, m.__schema_version__, orjson.dumps(to_data(m)).decode()) for m in outbox
        ]
        claims = sorted(set(unique))  # one lock order for every append: no deadlock between two claimants

        def write(connection: Connection) -> tuple[int, int]:
            if inbox is not None:
                handled = "INSERT INTO inbox (consumer, message_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"
                if connection.execute(handled, inbox).rowcount == 0:
                    raise DuplicateMessage(f"{inbox[0]} already handled {inbox[1]}", consumer=inbox[0])
            for kind, value in claims:
                claim = "INSERT INTO unique_keys (kind, value, stream_id) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
                if connection.execute(claim, (kind, value, stream_id)).rowcount == 0:
                    owner = connection.execute(
                        "SELECT stream_id FROM unique_keys WHERE kind = %s AND value = %s", (kind, value)
                    ).fetchone()
                    if owner is None or owner[0] != stream_id:
                        raise UniqueKeyTaken(kind, value)
            # The turn of this append: positions after the last committed one, lock held until commit.
            claimed = connection.execute(
                "UPDATE log_head SET position = position + %s RETURNING position", (len(rows),)
            ).fetchone()
            assert claimed is not None, "log_head has its row from the first migration"
            first = int(claimed[0]) - len(rows) + 1
            found = connection.execute(
                "SELECT max(stream_version) FROM events WHERE stream_id = %s", (stream_id,)
            ).fetchone()
            current = int(found[0] or 0) if found else 0
            if expected_version is not None and current != expected_version:
                raise ConcurrencyError(stream_id, expected_version, current)
            with connection.cursor() as cursor:
                cursor.executemany(
                    INSERT_EVENT,
                    [
                        (first + i, stream_id, current + 1 + i, *row, moment, correlation, causation, actor)
                        for i, row in enumerate(rows)
                    ],
                )
                last, version = first + len(rows) - 1, current + len(rows)
                if messages:
                    cursor.executemany(
                        INSERT_OUTBOX,
                        [(*m, stream_id, version, last, moment, correlation, causation, actor) for m in messages],
                    )
            connection.execute("SELECT pg_notify(%s, %s)", (self.events_channel, str(last)))
            if messages:
                connection.execute("SELECT pg_notify(%s, '')", (self.outbox_channel,))
            return current, first

        current, first = await self.database.run(write, isolation="READ COMMITTED")
        self._appended.fire()
        if messages:
            self._outbox_filled.fire()
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
        return AppendResult(stream_id, current + len(rows), first + len(rows) - 1, envelopes)

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
            stamp.astimezone(UTC),
            correlation,
            causation,
            actor,
            self.registry.decode(type_, schema, data),
        )

    async def _select(self, query: str, params: Sequence[Any]) -> list[Any]:
        return await self.database.run(lambda c: c.execute(query, params).fetchall(), read_only=True)

    @staticmethod
    def _stream_query(
        columns: str, stream_id: str, after_version: int, to_version: int | None, until: datetime | None
    ) -> tuple[str, list[Any]]:
        query = f"SELECT {columns} FROM events WHERE stream_id = %s AND stream_version > %s"
        params: list[Any] = [stream_id, after_version]
        if to_version is not None:
            query += " AND stream_version <= %s"
            params.append(to_version)
        if until is not None:
            query += " AND timestamp <= %s"
            params.append(utc(until))
        return query + " ORDER BY stream_version", params

    async def read_stream(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Envelope[Event]]:
        query, params = self._stream_query(EVENT_COLUMNS, stream_id, after_version, to_version, until)
        return [self._envelope(row) for row in await self._select(query, params)]

    async def load_events(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        columns = "type, schema_version, data"
        query, params = self._stream_query(columns, stream_id, after_version, to_version, until)
        decode = self.registry.decode
        return [decode(type_, schema, data) for type_, schema, data in await self._select(query, params)]

    async def read_all(
        self, after: int, limit: int = 1000, types: Collection[str] | None = None
    ) -> list[Envelope[Event]]:
        if types is not None:
            if not types:
                return []
            query = f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s AND type = ANY(%s)"
            rows = await self._select(query + " ORDER BY position LIMIT %s", (after, list(types), limit))
        else:
            query = f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s ORDER BY position LIMIT %s"
            rows = await self._select(query, (after, limit))
        return decode_rows(rows, self._envelope, _stored_event)

    async def head(self) -> int:
        rows = await self._select("SELECT position FROM log_head", ())
        return int(rows[0][0]) if rows else 0

    async def wait_for_events(self, after: int, timeout: float) -> None:
        self._listener.ensure_started()
        if await self.head() > after:
            return
        await self._appended.wait(timeout)

    # -- snapshots -------------------------------------------------------------------------------

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        state = orjson.dumps(snapshot.state).decode()
        query = (
            "INSERT INTO snapshots (stream_id, version, schema, state) VALUES (%s, %s, %s, %s::jsonb)"
            " ON CONFLICT (stream_id, version) DO UPDATE SET schema = excluded.schema, state = excluded.state"
        )
        params = (snapshot.stream_id, snapshot.version, snapshot.schema, state)
        await self.database.run(lambda c: c.execute(query, params), isolation="READ COMMITTED")

    async def load_from_snapshot(
        self, stream_id: str, *, snapshot_schema: int, to_version: int | None = None
    ) -> tuple[Snapshot | None, list[Event]]:
        bound = to_version if to_version is not None else 2**62
        snapshot_query = (
            "SELECT version, state FROM snapshots WHERE stream_id = %s AND schema = %s AND version <= %s"
            " ORDER BY version DESC LIMIT 1"
        )

        def read(connection: Any) -> tuple[Any, list[Any]]:
            row = connection.execute(snapshot_query, (stream_id, snapshot_schema, bound)).fetchone()
            after = row[0] if row else 0
            query, params = self._stream_query("type, schema_version, data", stream_id, after, to_version, None)
            return row, connection.execute(query, params).fetchall()

        row, rows = await self.database.run(read, read_only=True)
        snapshot = Snapshot(stream_id, row[0], snapshot_schema, row[1]) if row else None
        decode = self.registry.decode
        return snapshot, [decode(type_, schema, data) for type_, schema, data in rows]

    # -- outbox ----------------------------------------------------------------------------------

    async def pending(self, limit: int) -> list[tuple[int, Envelope[Event]]]:
        """The oldest unpublished messages - for the replica holding the relay lease; none for the others."""
        if not await self._relay_lease.acquire():
            return []
        rows = await self._select(f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id LIMIT %s", (limit,))
        return decode_rows(rows, self._message, _stored_message)

    def _message(self, row: Any) -> tuple[int, Envelope[Event]]:
        id_, message_id, type_, schema, data, stream_id, version, position, stamp, corr, cause, actor = row
        event = self.registry.decode(type_, schema, data)
        moment = stamp.astimezone(UTC)
        return id_, Envelope(message_id, type_, schema, stream_id, version, position, moment, corr, cause, actor, event)

    async def mark_published(self, up_to: int) -> None:
        await self.database.run(
            lambda c: c.execute("DELETE FROM outbox WHERE id <= %s", (up_to,)), isolation="READ COMMITTED"
        )

    async def wait_for_messages(self, timeout: float) -> None:
        self._listener.ensure_started()
        await self._outbox_filled.wait(timeout)


def _stored(columns: str, row: Any) -> tuple[int, dict[str, Any]]:
    stored = dict(zip(columns.replace(" ", "").split(","), row, strict=True))
    stored["timestamp"] = stored["timestamp"].isoformat()
    return int(row[0]), stored


def _stored_event(row: Any) -> tuple[int, dict[str, Any]]:
    return _stored(EVENT_COLUMNS, row)


def _stored_message(row: Any) -> tuple[int, dict[str, Any]]:
    return _stored(OUTBOX_COLUMNS, row)
