"""Warehouse rules: given past events, when a command, then new events or a named error."""

from __future__ import annotations

import json

import pytest

from martello.kernel.errors import InvalidValue
from martello.modules.warehouse.domain.errors import ReservationAlreadyShipped, ReservationNotHeld
from martello.modules.warehouse.domain.events import (
    StockReceived,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    StockShipped,
)
from martello.modules.warehouse.domain.values import OrderLines, Quantity, Sku, StockLevel
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse
from tests.given_when_then import given_events_of, then, then_refused

HATS = StockReceived(sku="HAT", quantity=5, on_hand=5)
CAPS = StockReceived(sku="CAP", quantity=2, on_hand=2)
O1_LINES = ({"sku": "HAT", "quantity": 3}, {"sku": "CAP", "quantity": 1})
O1_RESERVED = StockReserved(order_id="o-1", lines=O1_LINES)


given = given_events_of(Warehouse, MAIN)


def lines(*pairs: tuple[str, int]) -> OrderLines:
    return OrderLines.of(pairs)


def test_receiving_adds_units_on_hand() -> None:
    warehouse = given(HATS)
    warehouse.receive(Sku("HAT"), Quantity(3))
    then(warehouse, StockReceived(sku="HAT", quantity=3, on_hand=8))
    assert warehouse.level("HAT") == StockLevel(on_hand=8, reserved=0)


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001])
def test_a_receipt_carries_one_to_a_million_units(quantity: int) -> None:
    with pytest.raises(InvalidValue) as error:
        Quantity(quantity)
    assert error.value.field == "quantity"


@pytest.mark.parametrize("sku", ["", " HAT", "-HAT", "H" * 65, "HAT!"])
def test_a_sku_is_a_short_code(sku: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Sku(sku)
    assert error.value.field == "sku"


def test_an_order_reserves_every_line_when_all_are_available() -> None:
    warehouse = given(HATS, CAPS)
    warehouse.reserve("o-1", lines(("HAT", 3), ("CAP", 1)))
    then(warehouse, O1_RESERVED)
    assert warehouse.level("HAT") == StockLevel(on_hand=5, reserved=3)
    assert warehouse.level("HAT").available == 2


def test_an_order_reserves_nothing_and_names_every_short_sku() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED)
    warehouse.reserve("o-2", lines(("HAT", 3), ("CAP", 1), ("SCARF", 1), ("CAP", 1)))
    shortages = (
        {"sku": "HAT", "requested": 3, "available": 2},
        {"sku": "CAP", "requested": 2, "available": 1},
        {"sku": "SCARF", "requested": 1, "available": 0},
    )
    then(warehouse, StockReservationFailed(order_id="o-2", shortages=shortages))
    assert warehouse.level("HAT").reserved == 3 and warehouse.level("CAP").reserved == 1


def test_reserving_twice_for_the_same_order_changes_nothing() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED)
    warehouse.reserve("o-1", lines(("HAT", 1)))
    then(warehouse)
    failed = given(StockReservationFailed(order_id="o-2", shortages=({"sku": "HAT", "requested": 1, "available": 0},)))
    failed.reserve("o-2", lines(("HAT", 1)))
    then(failed)


def test_an_order_needs_lines_and_an_id() -> None:
    with pytest.raises(InvalidValue) as no_lines:
        OrderLines.of([])
    assert no_lines.value.field == "lines"
    with pytest.raises(InvalidValue) as no_id:
        given(HATS).reserve(" ", lines(("HAT", 1)))
    assert no_id.value.field == "order_id"
    with pytest.raises(InvalidValue) as malformed:
        OrderLines.from_data([{"sku": "HAT"}])
    assert malformed.value.field == "lines"


def test_releasing_gives_the_units_back() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED)
    warehouse.release("o-1")
    then(warehouse, StockReleased(order_id="o-1", lines=O1_LINES))
    assert warehouse.level("HAT") == StockLevel(on_hand=5, reserved=0)


def test_releasing_an_order_that_holds_nothing_changes_nothing() -> None:
    warehouse = given(HATS, O1_RESERVED, StockReleased(order_id="o-1", lines=O1_LINES))
    warehouse.release("o-1")
    warehouse.release("never-reserved")
    then(warehouse)


def test_shipped_stock_cannot_be_released() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED, StockShipped(order_id="o-1", lines=O1_LINES))
    then_refused(warehouse, lambda w: w.release("o-1"), ReservationAlreadyShipped)


def test_shipping_takes_the_reserved_units_out_of_the_building() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED)
    warehouse.ship("o-1")
    then(warehouse, StockShipped(order_id="o-1", lines=O1_LINES))
    assert warehouse.level("HAT") == StockLevel(on_hand=2, reserved=0)
    assert warehouse.level("CAP") == StockLevel(on_hand=1, reserved=0)


def test_shipping_twice_changes_nothing_but_unreserved_orders_cannot_ship() -> None:
    shipped = given(HATS, CAPS, O1_RESERVED, StockShipped(order_id="o-1", lines=O1_LINES))
    shipped.ship("o-1")
    then(shipped)
    then_refused(given(HATS), lambda w: w.ship("o-9"), ReservationNotHeld, code="reservation-not-held")


def test_a_snapshot_restores_the_same_warehouse() -> None:
    warehouse = given(HATS, CAPS, O1_RESERVED, StockReservationFailed(order_id="o-2", shortages=()))
    state = json.loads(json.dumps(warehouse.snapshot_state()))  # as stored
    restored = Warehouse.from_snapshot(MAIN, warehouse.version, state)
    assert (restored.stock, restored.held, restored.settled) == (warehouse.stock, warehouse.held, warehouse.settled)
