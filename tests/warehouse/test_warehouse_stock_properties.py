"""Properties of stock, for any sequence of receipts, reservations, releases and shipments."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from martello.modules.warehouse.domain.errors import ReservationAlreadyShipped, ReservationNotHeld
from martello.modules.warehouse.domain.events import StockReservationFailed, StockReserved
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
    """Apply one operation and check its outcome against a model of the rules: a reservation succeeds
    exactly when every line is available; only the named refusals occur, and they change nothing."""
    before = len(warehouse.pending_events)
    match operation:
        case Receive(sku, quantity):
            warehouse.receive(Sku(sku), Quantity(quantity))
        case Reserve(order, lines):
            known = order in warehouse.held or order in warehouse.settled
            wanted = OrderLines.of(lines)
            enough = all(quantity <= warehouse.level(sku).available for sku, quantity in wanted.quantities)
            warehouse.reserve(order, wanted)
            recorded = warehouse.pending_events[before:]
            if known:
                assert recorded == [], "an order is reserved at most once"
            elif enough:
                assert recorded == [StockReserved(order_id=order, lines=wanted.as_data())], "available, not reserved"
            else:
                assert [type(e) for e in recorded] == [StockReservationFailed], "reserved more than available"
        case Release(order):
            try:
                warehouse.release(order)
            except ReservationAlreadyShipped:
                assert len(warehouse.pending_events) == before
        case Ship(order):
            try:
                warehouse.ship(order)
            except ReservationNotHeld:
                assert len(warehouse.pending_events) == before


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


def test_two_orders_that_together_exceed_the_stock_the_second_is_refused() -> None:
    # Given 5 hats on hand
    warehouse = run([Receive("A", 5)])
    # When one order reserves 3 and then another asks for 3
    warehouse.reserve("o-1", OrderLines.of([("A", 3)]))
    warehouse.reserve("o-2", OrderLines.of([("A", 3)]))
    # Then only the first holds stock; the second is told only 2 are available
    assert warehouse.pending_events[-2:] == [
        StockReserved(order_id="o-1", lines=({"sku": "A", "quantity": 3},)),
        StockReservationFailed(order_id="o-2", shortages=({"sku": "A", "requested": 3, "available": 2},)),
    ]
    assert levels(warehouse) == {"A": (5, 3)}


def test_exactly_the_available_quantity_can_be_reserved_and_then_nothing_more() -> None:
    warehouse = run([Receive("A", 5), Reserve("o-1", (("A", 3),))])
    warehouse.reserve("o-2", OrderLines.of([("A", 2)]))
    warehouse.reserve("o-3", OrderLines.of([("A", 1)]))
    assert warehouse.pending_events[-2:] == [
        StockReserved(order_id="o-2", lines=({"sku": "A", "quantity": 2},)),
        StockReservationFailed(order_id="o-3", shortages=({"sku": "A", "requested": 1, "available": 0},)),
    ]
    assert (warehouse.level("A").on_hand, warehouse.level("A").available) == (5, 0)


@settings(max_examples=200)
@given(
    st.dictionaries(skus, st.integers(1, 10), min_size=1),
    st.lists(st.tuples(orders, skus, st.integers(1, 10)), min_size=1, max_size=12),
)
def test_orders_are_served_first_come_while_stock_lasts(
    received: dict[str, int], requests: list[tuple[str, str, int]]
) -> None:
    """Given stock, orders reserve one line each: the ones that fit in what is left all succeed (the first one
    does if it fits in what was received), the others fail, and reserved units never exceed receipts."""
    warehouse = run([Receive(sku, quantity) for sku, quantity in received.items()])
    left = dict(received)
    served = 0
    for order, sku, quantity in requests:
        if order in warehouse.held or order in warehouse.settled:
            continue
        warehouse.reserve(order, OrderLines.of([(sku, quantity)]))
        fits = quantity <= left.get(sku, 0)
        assert isinstance(warehouse.pending_events[-1], StockReserved if fits else StockReservationFailed)
        if fits:
            left[sku] -= quantity
            served += 1
        assert_consistent(warehouse)
    assert {sku: level.available for sku, level in warehouse.stock.items()} == left
    _, first_sku, first_quantity = requests[0]
    assert served >= (1 if first_quantity <= received.get(first_sku, 0) else 0), "the first order that fits is served"
