"""The event store, snapshots, outbox and inbox in one SQLite database per module.

The store itself is `SqlEventStore`; here is what SQLite does its own way. One writer thread commits
every transaction, so positions are simply the next after the highest, and a commit wakes waiters
of this process (no other process writes this file while the shop holds its data directory).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, TypeVar, Unpack

import orjson

from martello.adapters.sql import ColumnTypes, SqlEventStore, StoreOptions, event_store_tables
from martello.adapters.sqlite.database import CommitSignal, SqliteDatabase
from martello.kernel.database import Transaction

T = TypeVar("T")

TYPES = ColumnTypes(big="INTEGER", identity="INTEGER PRIMARY KEY", json="TEXT", timestamp="TEXT")

SCHEMA = (
    *event_store_tables(TYPES),
    """CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'stored events are immutable: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_are_permanent BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'stored events are immutable: DELETE refused'); END""",
)


def timestamp_text(moment: datetime) -> str:
    """A fixed-width UTC ISO-8601 text, so text order is time order (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteDialect:
    json_value = "?"

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database
        self._outbox_filled = CommitSignal()

    async def write(self, fn: Callable[[Transaction], T]) -> T:
        return await self.database.write(fn)

    async def read(self, fn: Callable[[Transaction], T]) -> T:
        return await self.database.read(fn)

    async def migrate(self) -> None:
        def create(tx: Transaction) -> None:
            for statement in SCHEMA:
                tx.execute(statement)

        await self.database.write(create)

    def claim_positions(self, tx: Transaction, count: int) -> int:
        return int(tx.execute("SELECT max(position) FROM events").fetchone()[0] or 0) + 1

    def head(self, tx: Transaction) -> int:
        return int(tx.execute("SELECT max(position) FROM events").fetchone()[0] or 0)

    def any_of(self, column: str, values: Collection[str]) -> tuple[str, list[Any]]:
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)

    stamp = staticmethod(timestamp_text)
    moment = staticmethod(datetime.fromisoformat)
    loads = staticmethod(orjson.loads)

    def notify(self, tx: Transaction, position: int, messages: bool) -> None:
        """Nothing to send: the writer thread signals every commit itself (`SqliteDatabase.committed`)."""

    def committed(self, messages: bool) -> None:
        if messages:
            self._outbox_filled.notify()

    def listen(self) -> None:
        """The writer thread signals every commit: nothing to start."""

    async def wait_for_events(self, timeout: float) -> None:
        await self.database.committed.wait(timeout)

    async def wait_for_messages(self, timeout: float) -> None:
        await self._outbox_filled.wait(timeout)

    async def may_relay(self) -> bool:
        return True  # one process owns the file

    async def close(self) -> None:
        """The database is closed by its owner."""


class SqliteEventStore(SqlEventStore):
    def __init__(self, database: SqliteDatabase, **options: Unpack[StoreOptions]) -> None:
        super().__init__(SqliteDialect(database), **options)
        self.database = database
