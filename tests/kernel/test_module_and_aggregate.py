"""A module's lifecycle (init, start, stop) and the aggregate root's folding of events."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from martello.adapters.sqlite import SqliteDatabase
from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.bus import InProcessBus
from martello.kernel.dispatch import CommandBus, QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event
from martello.kernel.inbox import mark_handled
from martello.kernel.module import Module, ModuleContext
from tests.kernel.conftest import Storage
from tests.kernel.test_bus_and_outbox import Announced, Noted
from tests.kernel.test_projection import Sales, Sold, sales
from tests.waiting import DEFAULT_TIMEOUT, eventually


class Shop(Module):
    name = "kerneltest"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.sales = self.add_projection(Sales())


async def test_a_module_sets_up_catches_up_runs_in_the_background_and_stops(storage: Storage, tmp_path: Path) -> None:
    await storage.store.append("s-1", [Sold(sku="A", units=1)], MessageContext.new(), expected_version=None)
    read_models = SqliteDatabase(tmp_path / "read-models.db")  # the module's own tables, apart from its log
    bus = InProcessBus()
    received: list[Envelope[Event]] = []

    async def collect(message: Envelope[Event]) -> None:
        received.append(message)

    bus.subscribe("test", {Announced.__event_type__}, collect)
    module = Shop(ModuleContext("kerneltest", storage.store, read_models, bus))
    assert module.projections == {"projtest.sales": module.sales}
    assert module.routes() == ()
    assert isinstance(module.commands, CommandBus) and isinstance(module.queries, QueryBus)
    # init: the inbox exists and the projection has caught up
    await module.init()
    assert await sales(read_models) == {"A": 1}
    assert await read_models.write(lambda tx: mark_handled(tx, "test", "m-1"))
    assert not await read_models.write(lambda tx: mark_handled(tx, "test", "m-1")), "handled once only"
    # start: the projection follows the log and the relay publishes the outbox
    await module.start()
    assert sorted(task.get_name() for task in module._tasks) == ["kerneltest:outbox", "kerneltest:projtest.sales"]
    try:
        later = await storage.store.append(
            "s-1", [Sold(sku="A", units=2), Noted(text="n")], MessageContext.new(), expected_version=None,
            outbox=[Announced(text="n")],
        )  # fmt: skip
        assert await module.sales.wait_for(later.position, timeout=DEFAULT_TIMEOUT)
        assert await sales(read_models) == {"A": 3}
        await eventually(lambda: asyncio.sleep(0, len(received) == 1), "the relay to publish the message")
    finally:
        await module.stop()
    assert module._tasks == []
    await storage.store.append("s-1", [Sold(sku="A", units=5)], MessageContext.new(), expected_version=None)
    assert await module.sales.step() == 1, "stopped: nothing else applied the new event"
    read_models.close()


class Tally(Aggregate):
    stream_type = "tally"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.marks: list[int] = []

    def mark(self, value: int) -> None:
        self.record(Sold(sku="T", units=value))

    @applies(Sold)
    def _sold(self, event: Sold) -> None:
        self.marks.append(event.units)


def test_an_aggregate_folds_recorded_events_and_keeps_them_until_saved() -> None:
    tally = Tally("t-1")
    assert (tally.stream_id, Tally.stream_id_for("x"), tally.version) == ("tally-t-1", "tally-x", 0)
    tally.mark(1)
    tally.mark(2)
    assert tally.marks == [1, 2]
    assert tally.pending_events == [Sold(sku="T", units=1), Sold(sku="T", units=2)]
    tally.pending_events.clear()  # a copy: the aggregate's own list is untouched
    assert len(tally.pending_events) == 2
    tally.mark_saved(7)
    assert (tally.version, tally.pending_events) == (7, [])


def test_replay_counts_versions_from_the_base_it_starts_on() -> None:
    replayed = Tally.replay("t-1", [Sold(sku="T", units=1), Sold(sku="T", units=2)])
    assert (replayed.version, replayed.marks, replayed.pending_events) == (2, [1, 2], [])
    more = Tally.replay("t-1", [Sold(sku="T", units=3)], base=replayed)
    assert more is replayed and (more.version, more.marks) == (3, [1, 2, 3])


def test_an_event_without_an_applier_is_refused_and_snapshots_need_both_overrides() -> None:
    tally = Tally("t-1")
    with pytest.raises(TypeError, match="Tally has no @applies method for Noted"):
        tally.record(Noted(text="x"))
    assert tally.pending_events == []
    assert not Tally.supports_snapshots()
    with pytest.raises(NotImplementedError, match="Tally does not take snapshots"):
        tally.snapshot_state()
    with pytest.raises(NotImplementedError, match="Tally does not take snapshots"):
        Tally.from_snapshot("t-1", 1, {})

    class Snapshotted(Tally):
        def snapshot_state(self) -> dict[str, Any]:
            return {"marks": self.marks}

    assert Snapshotted.supports_snapshots()
