"""Martello's kernel on its PostgreSQL adapter (PostgresDatabase, PostgresEventStore): the same workloads
as on SQLite, each run on a fresh schema. PostgreSQL's default `synchronous_commit=on`: every
acknowledged commit is flushed, like SQLite's synchronous=FULL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.systems import martello_kernel as kernel
from bench.systems.postgres import URL, schema_for
from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.kernel.module import ModuleStore

NAME = "martello (postgres)"
KEY = "martello-postgres"
"""For --systems."""
BACKEND = "postgres"


class Postgres:
    @asynccontextmanager
    async def opened(self, directory: Path) -> AsyncIterator[ModuleStore]:
        database = PostgresDatabase(URL, schema_for(directory))
        store = PostgresEventStore(database)
        try:
            await store.migrate()
            yield store
        finally:
            await store.close()
            database.close()

    async def discard(self, directory: Path) -> None:
        database = PostgresDatabase(URL, schema_for(directory))
        try:
            await database.drop_schema()
        finally:
            database.close()


POSTGRES = Postgres()


def w1_sequential(directory: Path, aggregates: int) -> float:
    return kernel.run(POSTGRES, directory, lambda b, d: kernel.create_sequentially(b, d, aggregates))


def w1_concurrent(directory: Path, aggregates: int, callers: int) -> float:
    return kernel.run(POSTGRES, directory, lambda b, d: kernel.create_concurrently(b, d, aggregates, callers))


def w2_commands(directory: Path, commands: int, snapshot_every: int) -> float:
    return kernel.run(POSTGRES, directory, lambda b, d: kernel.decide_and_append(b, d, commands, snapshot_every))


def w3_load(directory: Path, events: int, snapshot: bool) -> float:
    return kernel.run(POSTGRES, directory, lambda b, d: kernel.load_cold(b, d, events, snapshot))


def w4_catch_up(directory: Path, events: int, per_stream: int) -> float:
    return kernel.run(POSTGRES, directory, lambda b, d: kernel.catch_up(b, d, events, per_stream))
