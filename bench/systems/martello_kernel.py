"""Martello's kernel through its public API: Repository, ProjectionRunner and an event store adapter.

The workloads are written once against the kernel; `SQLITE` (this module's system) and `POSTGRES`
(`martello_postgres`) only differ in how a store is opened on an empty database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from bench.basket import Basket, BasketOpened, ItemAdded, SalesProjection
from bench.shape import SYNCHRONOUS, payload
from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.envelope import MessageContext
from martello.kernel.events import Event
from martello.kernel.ids import new_id
from martello.kernel.module import ModuleStore
from martello.kernel.projection import ProjectionRunner
from martello.kernel.repository import Repository
from martello.kernel.store import Snapshot

NAME = "martello"
KEY = "martello"
"""For --systems."""
BACKEND = "sqlite"


class Backend(Protocol):
    def opened(self, directory: Path) -> AbstractAsyncContextManager[ModuleStore]:
        """A migrated store on the run's database (`directory` names it: same directory, same data)."""
        ...

    async def discard(self, directory: Path) -> None:
        """Drop what the run stored (the runner removes a SQLite run's directory itself)."""
        ...


class Sqlite:
    @asynccontextmanager
    async def opened(self, directory: Path) -> AsyncIterator[ModuleStore]:
        database = SqliteDatabase(directory / "martello.db", synchronous=SYNCHRONOUS)
        try:
            store = SqliteEventStore(database)
            await store.migrate()
            yield store
        finally:
            database.close()

    async def discard(self, directory: Path) -> None:
        pass


SQLITE = Sqlite()


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The loop `martello run` serves on: uvicorn's choice, uvloop when installed."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(backend: Backend, directory: Path, workload: Callable[[Backend, Path], Coroutine[Any, Any, float]]) -> float:
    async def measure() -> float:
        try:
            return await workload(backend, directory)
        finally:
            await backend.discard(directory)

    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(measure())


# -- the workloads, once for every backend --------------------------------------------------------


async def _open_many(baskets: Repository[Basket], count: int) -> None:
    data = payload()
    for _ in range(count):
        await baskets.create(Basket.open(new_id(), **data), MessageContext.new())


async def create_sequentially(backend: Backend, directory: Path, aggregates: int) -> float:
    async with backend.opened(directory) as store:
        baskets = Repository(store, Basket)
        began = time.perf_counter()
        await _open_many(baskets, aggregates)
        return aggregates / (time.perf_counter() - began)


async def create_concurrently(backend: Backend, directory: Path, aggregates: int, callers: int) -> float:
    """`callers` asyncio tasks; SQLite's writer thread commits what they queue meanwhile in one transaction."""
    async with backend.opened(directory) as store:
        baskets = Repository(store, Basket)
        shares = [aggregates // callers + (1 if i < aggregates % callers else 0) for i in range(callers)]
        began = time.perf_counter()
        await asyncio.gather(*(_open_many(baskets, share) for share in shares))
        return aggregates / (time.perf_counter() - began)


async def decide_and_append(backend: Backend, directory: Path, commands: int, snapshot_every: int) -> float:
    async with backend.opened(directory) as store:
        baskets = Repository(store, Basket, snapshot_every=snapshot_every)
        data = payload()
        basket_id = new_id()
        await baskets.create(Basket.open(basket_id, **data), MessageContext.new())
        began = time.perf_counter()
        for _ in range(commands):
            await baskets.change(basket_id, lambda basket: basket.add(**data), MessageContext.new())
        return commands / (time.perf_counter() - began)


async def _fill(store: ModuleStore, stream_id: str, events: int, chunk: int = 1000) -> None:
    data = payload()
    version = 0
    while version < events:
        batch: list[Event] = [BasketOpened(**data)] if version == 0 else []
        batch += [ItemAdded(**data) for _ in range(min(chunk, events - version) - len(batch))]
        await store.append(stream_id, batch, MessageContext.new(), expected_version=version)
        version += len(batch)


async def load_cold(backend: Backend, directory: Path, events: int, snapshot: bool) -> float:
    basket_id = new_id()
    async with backend.opened(directory) as store:
        await _fill(store, Basket.stream_id_for(basket_id), events)
        if snapshot:
            basket = await Repository(store, Basket).load(basket_id)
            state = basket.snapshot_state()
            await store.save_snapshot(Snapshot(basket.stream_id, basket.version, Basket.snapshot_schema, state))
    async with backend.opened(directory) as store:  # cold: new connections, nothing of the stream in memory
        baskets = Repository(store, Basket, snapshot_every=100 if snapshot else 0)
        await store.head()  # open a reader connection, as a running service has
        began = time.perf_counter()
        basket = await baskets.load(basket_id)
        elapsed = time.perf_counter() - began
    assert basket.version == events
    return elapsed * 1000


async def catch_up(backend: Backend, directory: Path, events: int, per_stream: int) -> float:
    async with backend.opened(directory) as store:
        data = payload()

        async def fill(first: int, last: int) -> None:
            for s in range(first, last):
                batch: list[Event] = [BasketOpened(**payload(s))]
                batch += [ItemAdded(**data) for _ in range(per_stream - 1)]
                await store.append(f"basket-{new_id()}", batch, MessageContext.new(), expected_version=0)

        streams = events // per_stream
        step = max(1, streams // 16)
        await asyncio.gather(*(fill(i, min(i + step, streams)) for i in range(0, streams, step)))
    async with backend.opened(directory) as store:
        runner = ProjectionRunner(SalesProjection(), store, store.database)  # type: ignore[attr-defined]
        await runner.setup()
        began = time.perf_counter()
        await runner.catch_up()
        elapsed = time.perf_counter() - began
        seen = runner.position
    return seen / elapsed


# -- this system: Martello on SQLite ----------------------------------------------------------------


def w1_sequential(directory: Path, aggregates: int) -> float:
    return run(SQLITE, directory, lambda b, d: create_sequentially(b, d, aggregates))


def w1_concurrent(directory: Path, aggregates: int, callers: int) -> float:
    return run(SQLITE, directory, lambda b, d: create_concurrently(b, d, aggregates, callers))


def w2_commands(directory: Path, commands: int, snapshot_every: int) -> float:
    return run(SQLITE, directory, lambda b, d: decide_and_append(b, d, commands, snapshot_every))


def w3_load(directory: Path, events: int, snapshot: bool) -> float:
    return run(SQLITE, directory, lambda b, d: load_cold(b, d, events, snapshot))


def w4_catch_up(directory: Path, events: int, per_stream: int) -> float:
    return run(SQLITE, directory, lambda b, d: catch_up(b, d, events, per_stream))
