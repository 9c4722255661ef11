"""Global order with writers in several processes: a follower never misses an event.

Writer processes append to one module's log (each to its own streams and all of them to a shared
one, so appends overlap and conflict), while a follower in this process tails `read_all` after the
last position it saw. Had a lower position been committed after a higher one was read, the
follower would have skipped it for good.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time

import pytest

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError
from martello.kernel.events import Event, event

pytestmark = pytest.mark.postgres

WRITERS, APPENDS = 4, 40


@event("ordering.Ticked")
class Ticked(Event):
    writer: int
    n: int


def write(url: str, schema: str, index: int) -> None:
    asyncio.run(_write(url, schema, index))


async def _write(url: str, schema: str, index: int) -> None:
    database = PostgresDatabase(url, schema, pool_size=2)
    store = PostgresEventStore(database)
    context = MessageContext.new()
    try:
        for n in range(APPENDS):
            ticks = [Ticked(writer=index, n=n), Ticked(writer=index, n=n)]
            await store.append(f"writer-{index}", ticks, context, expected_version=None)
            try:
                version = len(await store.read_stream("shared"))
                await store.append("shared", ticks[:1], context, expected_version=version)
            except ConcurrencyError:
                pass
    finally:
        await store.close()
        database.close()


async def test_a_follower_sees_every_event_once_in_order_while_processes_append(postgres_url: str, schema: str) -> None:
    database = PostgresDatabase(postgres_url, schema, pool_size=2)
    store = PostgresEventStore(database)
    await store.migrate()
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=write, args=(postgres_url, schema, i)) for i in range(WRITERS)]
    try:
        for process in writers:
            process.start()
        seen: list[int] = []
        deadline = time.monotonic() + 240
        while True:
            assert time.monotonic() < deadline, "gave up after 240s waiting for the writer processes to finish"
            finished = not any(process.is_alive() for process in writers)
            batch = await store.read_all(seen[-1] if seen else 0, limit=25)
            seen.extend(envelope.position for envelope in batch)
            if finished and not batch:
                break
        assert all(process.exitcode == 0 for process in writers)

        everything = [envelope.position for envelope in await store.read_all(0, limit=100_000)]
        shared = await store.read_stream("shared")
        assert len(everything) == WRITERS * APPENDS * 2 + len(shared)
        assert seen == everything, "the follower saw the whole log, each event once, in position order"
        assert everything == list(range(1, len(everything) + 1)), "positions are gapless"
        assert [e.stream_version for e in shared] == list(range(1, len(shared) + 1))
    finally:
        for process in writers:
            process.join(30)
        await store.close()
        database.close()
