"""A throw-away SQLite database in memory, for replaying one stream's events into a read model (time travel).

One connection, used by one job at a time on a worker thread (a replay of a long stream does not block
the event loop). Nothing is written to disk; closing it frees everything.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")


class MemoryDatabase:
    def __init__(self) -> None:
        self._connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()

    def open(self) -> None:
        """Open already (in memory, at construction)."""

    async def ping(self, timeout: float = 1.0) -> bool:
        return True

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._run, fn, commit=True)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._run, fn, commit=False)

    def _run(self, fn: Callable[[sqlite3.Connection], T], *, commit: bool) -> T:
        with self._lock:
            self._connection.execute("BEGIN")
            try:
                result = fn(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT" if commit else "ROLLBACK")
            return result

    def close(self) -> None:
        with self._lock:
            self._connection.close()


@asynccontextmanager
async def memory_database() -> AsyncIterator[MemoryDatabase]:
    """An empty in-memory database for the block's duration (the runtime's `ModuleContext.scratch`)."""
    database = MemoryDatabase()
    try:
        yield database
    finally:
        database.close()
