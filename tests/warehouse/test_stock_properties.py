"""Properties of stock, for any sequence of receipts, reservations, releases and shipments."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from martello.kernel.errors import DomainError
from martello.modules.warehouse.domain.values import OrderLines, Quantity, Sku
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse

SKUS = ("A", "B", "C")
ORDERS = ("o-1", "o-2", "o-3", "o-4")


@dataclass(frozen=True)
class Receive:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Reserve:
    order: str
    lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Release:
    order: str


@dataclass(frozen=True)
class Ship:
    order: str


Operation = Receive | Reserve | Release | Ship

skus = st.sampled_from(SKUS)
orders = st.sampled_from(ORDERS)
operations = st.one_of(
    st.builds(Receive, skus, st.integers(1, 10)),
    st.builds(Reserve, orders, st.lists(st.tuples(skus, st.integers(1, 10)), min_size=1, max_size=4).map(tuple)),
    st.builds(Release, orders),
    st.builds(Ship, orders),
)


def perform(warehouse: Warehouse, operation: Operation) -> None:
    """Apply one operation; a refusal by a named rule leaves the warehouse as it was."""
    try:
        match operation:
            case Receive(sku, quantity):
                warehouse.receive(Sku(sku), Quantity(quantity))
            case Reserve(order, lines):
                warehouse.reserve(order, OrderLines.of(lines))
            case Release(order):
                warehouse.release(order)
            case Ship(order):
                warehouse.ship(order)
    except DomainError:
        pass


def run(operations: list[Operation]) -> Warehouse:
    warehouse = Warehouse(MAIN)
    for operation in operations:
        perform(warehouse, operation)
        assert_consistent(warehouse)
    return warehouse


def assert_consistent(warehouse: Warehouse) -> None:
    for sku, level in warehouse.stock.items():
        assert level.on_hand >= 0 and level.reserved >= 0 and level.available >= 0, (sku, level)
        assert level.reserved == sum(held.get(sku, 0) for held in warehouse.held.values())


def levels(warehouse: Warehouse) -> dict[str, tuple[int, int]]:
    return {sku: (level.on_hand, level.reserved) for sku, level in warehouse.stock.items()}


@settings(max_examples=300)
@given(st.lists(operations, max_size=40))
def test_stock_never_goes_negative(history: list[Operation]) -> None:
    run(history)  # asserts after every operation


@settings(max_examples=200)
@given(st.lists(operations, max_size=30), st.lists(st.tuples(skus, st.integers(1, 10)), min_size=1, max_size=4))
def test_reserving_then_releasing_returns_to_the_start(history: list[Operation], lines: list[tuple[str, int]]) -> None:
    warehouse = run(history)
    start = levels(warehouse)
    warehouse.reserve("new-order", OrderLines.of(lines))
    warehouse.release("new-order")
    assert {sku: level for sku, level in levels(warehouse).items() if level != (0, 0)} == {
        sku: level for sku, level in start.items() if level != (0, 0)
    }


@settings(max_examples=200)
@given(st.lists(operations, max_size=40))
def test_replaying_the_recorded_events_gives_the_live_state(history: list[Operation]) -> None:
    live = run(history)
    replayed = Warehouse.replay(MAIN, live.pending_events)
    assert (replayed.stock, replayed.held, replayed.settled) == (live.stock, live.held, live.settled)
    snapshot = Warehouse.from_snapshot(MAIN, live.version, live.snapshot_state())
    assert (snapshot.stock, snapshot.held, snapshot.settled) == (live.stock, live.held, live.settled)
