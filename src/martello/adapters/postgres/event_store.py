"""The event store, snapshots, outbox and inbox of one module in its own PostgreSQL schema.

The store itself is `SqlEventStore`; here is what PostgreSQL does its own way.

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
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, TypeVar, Unpack

import psycopg

from martello.adapters.postgres.database import PostgresDatabase, PostgresTransaction, lock_schema
from martello.adapters.postgres.lease import AdvisoryLease
from martello.adapters.postgres.migrations import MIGRATIONS
from martello.adapters.postgres.notifications import Listener, Signal
from martello.adapters.sql import SqlEventStore, StoreOptions
from martello.kernel.database import Transaction

log = logging.getLogger("martello.postgres")

T = TypeVar("T")


class PostgresDialect:
    json_value = "?::jsonb"

    def __init__(self, database: PostgresDatabase, wait_for_server: float = 0.0) -> None:
        self.database = database
        self.wait_for_server = wait_for_server
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

    async def write(self, fn: Callable[[Transaction], T]) -> T:
        """READ COMMITTED: appends take turns on the `log_head` row, so they need no serializable retry."""
        schema = self.database.schema
        return await self.database.run(lambda c: fn(PostgresTransaction(c, schema)), isolation="READ COMMITTED")

    async def read(self, fn: Callable[[Transaction], T]) -> T:
        return await self.database.read(fn)

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

    def _migrate(self, connection: psycopg.Connection[Any]) -> None:
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

    def claim_positions(self, tx: Transaction, count: int) -> int:
        """The turn of this append: positions after the last committed one, the row lock held until commit."""
        claimed = tx.execute("UPDATE log_head SET position = position + ? RETURNING position", (count,)).fetchone()
        assert claimed is not None, "log_head has its row from the first migration"
        return int(claimed[0]) - count + 1

    def head(self, tx: Transaction) -> int:
        row = tx.execute("SELECT position FROM log_head").fetchone()
        return int(row[0]) if row else 0

    def any_of(self, column: str, values: Collection[str]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?)", [list(values)]

    def stamp(self, moment: datetime) -> datetime:
        return moment

    def moment(self, stored: datetime) -> datetime:
        return stored.astimezone(UTC)

    def loads(self, stored: Any) -> Any:
        return stored  # JSONB comes back decoded

    def notify(self, tx: Transaction, position: int, messages: bool) -> None:
        tx.execute("SELECT pg_notify(?, ?)", (self.events_channel, str(position)))
        if messages:
            tx.execute("SELECT pg_notify(?, '')", (self.outbox_channel,))

    def committed(self, messages: bool) -> None:
        self._appended.fire()
        if messages:
            self._outbox_filled.fire()

    def listen(self) -> None:
        self._listener.ensure_started()

    async def wait_for_events(self, timeout: float) -> None:
        await self._appended.wait(timeout)

    async def wait_for_messages(self, timeout: float) -> None:
        self._listener.ensure_started()
        await self._outbox_filled.wait(timeout)

    async def may_relay(self) -> bool:
        return await self._relay_lease.acquire()

    async def close(self) -> None:
        await self._listener.stop()
        await asyncio.to_thread(self._relay_lease.release)


class PostgresEventStore(SqlEventStore):
    def __init__(
        self, database: PostgresDatabase, *, wait_for_server: float = 0.0, **options: Unpack[StoreOptions]
    ) -> None:
        """`wait_for_server`: how long `migrate` retries while the server is unreachable (a service may start
        before it)."""
        super().__init__(PostgresDialect(database, wait_for_server), **options)
        self.database = database
