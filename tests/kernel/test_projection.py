"""Projections: read models folded from the log, with the checkpoint in the same transaction as the rows;
callers wait for a position; two runners never apply a batch twice; a rebuild swaps in a fresh copy."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event, event
from martello.kernel.projection import Projection, ProjectionRunner, on, read_checkpoint
from martello.kernel.rebuild import RebuildFellBehind, rebuild_projection
from martello.kernel.store import NEW_STREAM
from tests.kernel.conftest import Storage
from tests.waiting import DEFAULT_TIMEOUT, eventually


@event("projtest.Sold")
class Sold(Event):
    sku: str
    units: int


@event("projtest.Returned")
class Returned(Event):
    sku: str
    units: int


@event("projtest.Ignored")
class Ignored(Event):
    note: str


class Sales(Projection):
    name = "projtest.sales"
    schema = ("CREATE TABLE IF NOT EXISTS sales (sku TEXT PRIMARY KEY, units INTEGER NOT NULL)",)
    tables = ("sales",)

    @on(Sold)
    def _sold(self, tx: Transaction, envelope: Envelope[Sold]) -> None:
        self._add(tx, envelope.event.sku, envelope.event.units)

    @on(Returned)
    def _returned(self, tx: Transaction, envelope: Envelope[Returned]) -> None:
        self._add(tx, envelope.event.sku, -envelope.event.units)

    def _add(self, tx: Transaction, sku: str, units: int) -> None:
        tx.execute(
            "INSERT INTO sales (sku, units) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET units = units + ?",
            (sku, units, units),
        )


class CheapSales(Sales):
    """A subclass inherits its base's handlers."""

    name = "projtest.cheap"


async def append(storage: Storage, *events: Event) -> int:
    result = await storage.store.append("s-1", list(events), MessageContext.new(), expected_version=None)
    return result.position


async def sales(database: SqliteDatabase) -> dict[str, int]:
    rows = await database.read(lambda tx: tx.execute("SELECT sku, units FROM sales").fetchall())
    return dict(rows)


async def checkpoint(database: SqliteDatabase, name: str = "projtest.sales") -> int:
    return await database.read(lambda tx: read_checkpoint(tx, name))


def test_a_projection_reads_the_types_it_has_handlers_for_including_inherited_ones() -> None:
    assert Sales().event_types == {"projtest.Sold", "projtest.Returned"}
    assert CheapSales().event_types == Sales().event_types


async def test_catching_up_folds_every_event_and_stores_the_checkpoint_with_the_rows(storage: Storage) -> None:
    await append(storage, Sold(sku="A", units=2), Ignored(note="x"), Sold(sku="B", units=1))
    last = await append(storage, Returned(sku="A", units=1), Ignored(note="y"))
    runner = ProjectionRunner(Sales(), storage.store, storage.database, batch_size=2)
    await runner.setup()
    assert (runner.position, await checkpoint(storage.database)) == (0, 0)
    await runner.catch_up()
    assert await sales(storage.database) == {"A": 1, "B": 1}
    assert runner.position == last, "it has seen the log up to the head, ignored events included"
    assert await checkpoint(storage.database) == last
    assert await runner.step() == 0


async def test_a_restarted_runner_continues_from_its_checkpoint(storage: Storage) -> None:
    await append(storage, Sold(sku="A", units=2))
    first = ProjectionRunner(Sales(), storage.store, storage.database)
    await first.setup()
    await first.catch_up()
    later = await append(storage, Sold(sku="A", units=3))
    again = ProjectionRunner(Sales(), storage.store, storage.database)
    await again.setup()
    assert again.position == first.position
    await again.catch_up()
    assert (await sales(storage.database), again.position) == ({"A": 5}, later)


async def test_an_event_that_keeps_failing_stalls_the_projection_after_applying_the_events_before_it(
    storage: Storage,
) -> None:
    class Broken(Sales):
        name = "projtest.broken"

        @on(Returned)
        def _returned(self, tx: Transaction, envelope: Envelope[Returned]) -> None:
            raise RuntimeError("cannot return")

    sold = await append(storage, Sold(sku="A", units=2))
    returned = await append(storage, Returned(sku="A", units=1))
    runner = ProjectionRunner(Broken(), storage.store, storage.database)
    await runner.setup()
    await runner.catch_up()
    assert (await sales(storage.database), await checkpoint(storage.database, "projtest.broken")) == ({"A": 2}, sold)
    assert runner.stall is not None
    assert (runner.stall.position, runner.stall.error) == (returned, "RuntimeError: cannot return")
    assert await runner.step() == 0, "a stalled projection reads nothing more"


async def test_a_caller_waits_for_a_position_and_is_told_when_it_is_not_reached(storage: Storage) -> None:
    runner = ProjectionRunner(Sales(), storage.store, storage.database)
    await runner.setup()
    assert await runner.wait_for(0, timeout=0)
    assert not await runner.wait_for(1, timeout=0.01)
    position = await append(storage, Sold(sku="A", units=1))
    waiting = asyncio.create_task(runner.wait_for(position, timeout=60))
    await runner.catch_up()
    assert await asyncio.wait_for(waiting, 5), "woken when the runner got there, long before its timeout"


async def test_a_running_projection_follows_the_log_and_survives_a_failing_batch(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    class FailsOnce(Sales):
        name = "projtest.fails-once"
        failed = False

        @on(Returned)
        def _returned(self, tx: Transaction, envelope: Envelope[Returned]) -> None:
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise RuntimeError("a passing problem")
            super()._returned(tx, envelope)

    runner = ProjectionRunner(FailsOnce(), storage.store, storage.database)
    await runner.setup()
    running = asyncio.create_task(runner.run(idle_wait=0.05))
    try:
        first = await append(storage, Sold(sku="A", units=2))
        assert await runner.wait_for(first, timeout=DEFAULT_TIMEOUT)
        second = await append(storage, Returned(sku="A", units=1))
        assert await runner.wait_for(second, timeout=DEFAULT_TIMEOUT), "the failed batch was tried again"
        assert FailsOnce.failed and await sales(storage.database) == {"A": 1}
        failures = [r.getMessage() for r in caplog.records if r.name == "martello.projections"]
        assert any("projtest.fails-once" in m and "failed" in m for m in failures), "the failure is logged, by name"
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert running.cancelled()


async def test_two_runners_of_one_projection_never_apply_a_batch_twice(storage: Storage) -> None:
    await append(storage, Sold(sku="A", units=2), Sold(sku="B", units=1))
    first = ProjectionRunner(Sales(), storage.store, storage.database)
    second = ProjectionRunner(Sales(), storage.store, storage.database)
    await first.setup()
    await second.setup()
    assert await first.step() == 2
    assert await second.step() == 2, "it read the batch, but the checkpoint had moved: it applies nothing"
    assert await sales(storage.database) == {"A": 2, "B": 1}
    assert second.position == first.position
    later = await append(storage, Sold(sku="A", units=1))
    await second.catch_up()
    await first.catch_up()
    assert await sales(storage.database) == {"A": 3, "B": 1}
    assert first.position == second.position == later


async def test_a_rebuild_replaces_the_read_model_with_a_fresh_fold(storage: Storage, tmp_path: Path) -> None:
    await append(storage, Sold(sku="A", units=2), Sold(sku="B", units=5), Ignored(note="x"))
    head = await append(storage, Returned(sku="B", units=1))
    live = ProjectionRunner(Sales(), storage.store, storage.database)
    await live.setup()
    await live.catch_up()
    await storage.database.write(lambda tx: tx.execute("UPDATE sales SET units = 99"))  # a read model gone wrong
    scratch = SqliteDatabase(tmp_path / "scratch.db")
    progress: list[tuple[int, int]] = []
    try:
        position = await rebuild_projection(
            Sales(), storage.store, storage.database, scratch, batch_size=1,
            progress=lambda at, of: progress.append((at, of)),
        )  # fmt: skip
    finally:
        scratch.close()
    assert position == head
    assert await sales(storage.database) == {"A": 2, "B": 4}
    assert await checkpoint(storage.database) == head
    assert progress[-1] == (head, head)
    assert [at for at, _ in progress] == sorted(at for at, _ in progress)
    assert all(at <= of == head for at, of in progress), "progress is measured against the log's head"


async def test_a_rebuild_of_a_projection_never_run_starts_its_checkpoint(storage: Storage, tmp_path: Path) -> None:
    await storage.store.append("s-1", [Sold(sku="A", units=2)], MessageContext.new(), expected_version=NEW_STREAM)
    scratch = SqliteDatabase(tmp_path / "scratch.db")
    try:
        position = await rebuild_projection(Sales(), storage.store, storage.database, scratch)
    finally:
        scratch.close()
    assert (await sales(storage.database), await checkpoint(storage.database)) == ({"A": 2}, position)
    assert position == 1


async def test_a_rebuild_that_the_live_projection_keeps_overtaking_gives_up(storage: Storage, tmp_path: Path) -> None:
    await append(storage, Sold(sku="A", units=2))
    live = ProjectionRunner(Sales(), storage.store, storage.database)
    await live.setup()
    await live.catch_up()

    class Overtaken(Sales):
        """Each time the rebuild is about to swap, the live checkpoint has moved past it (a busy shop)."""

        def setup(self, tx: Transaction) -> None:
            super().setup(tx)
            tx.execute("CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
            tx.execute("UPDATE checkpoints SET position = position + 1000 WHERE name = ?", (self.name,))

    scratch = SqliteDatabase(tmp_path / "scratch.db")
    try:
        with pytest.raises(RebuildFellBehind, match=r"projtest\.sales"):
            await rebuild_projection(Overtaken(), storage.store, storage.database, scratch, attempts=3)
    finally:
        scratch.close()
    assert await sales(storage.database) == {"A": 2}, "the live read model is untouched"


async def test_each_step_applies_the_events_committed_since_the_last(storage: Storage) -> None:
    runner = ProjectionRunner(Sales(), storage.store, storage.database)
    await runner.setup()
    await append(storage, Sold(sku="A", units=1))
    assert await runner.step() == 1
    second = await append(storage, Sold(sku="A", units=2))
    assert await runner.step() == 1
    assert (await sales(storage.database), runner.position) == ({"A": 3}, second), "applied by that very step"


async def test_a_runner_whose_checkpoint_was_reset_starts_over(storage: Storage) -> None:
    runner = ProjectionRunner(Sales(), storage.store, storage.database)
    await runner.setup()
    await append(storage, Sold(sku="A", units=1))
    await runner.catch_up()
    # a rebuild from scratch elsewhere emptied the read model and reset its checkpoint
    await storage.database.write(lambda tx: tx.execute("DELETE FROM sales"))
    await storage.database.write(lambda tx: tx.execute("UPDATE checkpoints SET position = 0"))
    head = await append(storage, Sold(sku="B", units=1))
    await runner.step()
    assert runner.position == 0, "it noticed and goes back to the start of the log"
    await runner.catch_up()
    assert (await sales(storage.database), runner.position) == ({"A": 1, "B": 1}, head)


async def test_a_running_projection_wakes_on_a_commit_not_on_its_idle_timer(storage: Storage) -> None:
    runner = ProjectionRunner(Sales(), storage.store, storage.database)
    await runner.setup()
    running = asyncio.create_task(runner.run(idle_wait=3600))
    try:
        for units in (1, 2):
            await eventually(  # it has caught up and waits for the next commit
                lambda: asyncio.sleep(0, bool(storage.database.committed._waiters)), "the runner to wait for a commit"
            )
            position = await append(storage, Sold(sku="A", units=units))
            assert await runner.wait_for(position, timeout=DEFAULT_TIMEOUT), "woken by the commit"
        assert await sales(storage.database) == {"A": 3}
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
