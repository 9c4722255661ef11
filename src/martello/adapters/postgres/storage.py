"""The distributed topology's storage: one PostgreSQL schema per module (`<prefix><module>`)."""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from martello.adapters.postgres.database import PostgresDatabase
from martello.adapters.postgres.event_store import PostgresEventStore
from martello.kernel.clock import Clock
from martello.kernel.database import Database


class PostgresStorage:
    directory: None = None  # the server keeps the data; replicas share it

    def __init__(self, url: str, *, schema_prefix: str = "mtl_", wait_for_server: float = math.inf) -> None:
        self.url = url
        self.schema_prefix = schema_prefix
        self.wait_for_server = wait_for_server
        """How long a module's store waits for the server at start-up (a service may start before it)."""

    def module(self, name: str, clock: Clock) -> tuple[PostgresDatabase, PostgresEventStore]:
        database = PostgresDatabase(self.url, f"{self.schema_prefix}{name}")
        return database, PostgresEventStore(database, clock=clock, wait_for_server=self.wait_for_server)

    @asynccontextmanager
    async def scratch(self, module: str) -> AsyncIterator[Database]:
        """A schema of its own (`<prefix>rebuild_<module>_<random>`), dropped after."""
        database = PostgresDatabase(self.url, f"{self.schema_prefix}rebuild_{module}_{secrets.token_hex(4)}")
        database.open()
        try:
            yield database
        finally:
            try:
                await database.drop_schema()
            finally:
                database.close()
