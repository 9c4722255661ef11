"""The embedded topology's storage: one SQLite file per module in the data directory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from martello.adapters.sqlite.database import SqliteDatabase
from martello.adapters.sqlite.event_store import SqliteEventStore
from martello.kernel.clock import Clock
from martello.kernel.database import Database
from martello.kernel.ids import uuid7


class SqliteStorage:
    def __init__(self, directory: Path, *, synchronous: str = "NORMAL") -> None:
        self.directory = directory
        self.synchronous = synchronous

    def module(self, name: str, clock: Clock) -> tuple[SqliteDatabase, SqliteEventStore]:
        database = SqliteDatabase(self.directory / f"{name}.db", synchronous=self.synchronous)
        return database, SqliteEventStore(database, clock=clock)

    @asynccontextmanager
    async def scratch(self, module: str) -> AsyncIterator[Database]:
        """A file beside the module's (`.rebuild-<module>-<id>.db`), deleted after."""
        database = SqliteDatabase(self.directory / f".rebuild-{module}-{uuid7()}.db", synchronous="OFF")
        database.open()
        try:
            yield database
        finally:
            database.close()
            for suffix in ("", "-wal", "-shm"):
                database.path.with_name(database.path.name + suffix).unlink(missing_ok=True)
