"""The warehouse's values at their limits, and what each refusal says (field and message)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import InvalidValue
from martello.modules.warehouse.domain.errors import ReservationAlreadyShipped, ReservationNotHeld
from martello.modules.warehouse.domain.events import StockReceived, StockReserved, StockShipped
from martello.modules.warehouse.domain.values import MAX_QUANTITY, OrderLines, Quantity, Sku, StockLevel, order_id
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse

SKU_RULE = "a SKU is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
QUANTITY_RULE = "a quantity is a whole number from 1 to 1000000"

REFUSED: list[tuple[Callable[[], object], str, str]] = [
    (lambda: Sku(""), "sku", SKU_RULE),
    (lambda: Sku("A" * 65), "sku", SKU_RULE),
    (lambda: Sku(7), "sku", SKU_RULE),  # type: ignore[arg-type]
    (lambda: Quantity(0), "quantity", QUANTITY_RULE),
    (lambda: Quantity(MAX_QUANTITY + 1), "quantity", QUANTITY_RULE),
    (lambda: Quantity(True), "quantity", QUANTITY_RULE),
    (lambda: Quantity(2.0), "quantity", QUANTITY_RULE),  # type: ignore[arg-type]
    (lambda: order_id(" "), "order_id", "an order id must not be blank"),
    (lambda: order_id(5), "order_id", "an order id must not be blank"),  # type: ignore[arg-type]
    (lambda: OrderLines.of([]), "lines", "an order needs at least one line"),
    (lambda: OrderLines.of([("A", MAX_QUANTITY), ("A", 1)]), "quantity", QUANTITY_RULE),
    (lambda: OrderLines.from_data([{"sku": "A"}]), "lines", "every line needs a sku and a quantity"),
    (lambda: OrderLines.from_data([{"quantity": 1}]), "lines", "every line needs a sku and a quantity"),
    (lambda: OrderLines.from_data([None]), "lines", "every line needs a sku and a quantity"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("make", "field", "message"), REFUSED)
def test_a_refused_value_names_its_field_and_says_why(make: Callable[[], object], field: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        make()
    assert (refused.value.field, refused.value.message) == (field, message)


def test_values_at_their_limits_are_accepted() -> None:
    assert str(Sku("A" * 64)) == "A" * 64
    assert (Quantity(1).value, Quantity(MAX_QUANTITY).value) == (1, MAX_QUANTITY)
    assert order_id("o-1") == "o-1"
    lines = OrderLines.from_data([{"sku": "A", "quantity": 2, "price_amount": 9}, {"sku": "B", "quantity": 1}])
    assert lines.quantities == (("A", 2), ("B", 1))
    assert lines.as_data() == ({"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1})
    assert OrderLines.of([("A", 1), ("B", 1), ("A", 2)]).quantities == (("A", 3), ("B", 1)), "repeats add up"
    assert StockLevel().available == 0 and StockLevel(5, 2).available == 3


def test_a_warehouse_starts_empty_and_a_snapshot_keeps_its_version() -> None:
    warehouse = Warehouse(MAIN)
    assert (warehouse.id, warehouse.stream_id, warehouse.stock, warehouse.held, warehouse.settled) == (
        "main", "warehouse-main", {}, {}, {}
    )  # fmt: skip
    warehouse = Warehouse.replay(MAIN, [StockReceived(sku="A", quantity=2, on_hand=2)])
    restored = Warehouse.from_snapshot(MAIN, 1, warehouse.snapshot_state())
    assert (restored.id, restored.version, restored.stock) == ("main", 1, warehouse.stock)


def test_refusals_to_release_or_ship_name_the_order() -> None:
    shipped = Warehouse.replay(
        MAIN,
        [
            StockReceived(sku="A", quantity=2, on_hand=2),
            StockReserved(order_id="o-1", lines=({"sku": "A", "quantity": 1},)),
            StockShipped(order_id="o-1", lines=({"sku": "A", "quantity": 1},)),
        ],
    )
    with pytest.raises(ReservationAlreadyShipped) as released:
        shipped.release("o-1")
    assert released.value.details == {"order_id": "o-1"}
    with pytest.raises(ReservationNotHeld) as not_held:
        shipped.ship("o-2")
    assert not_held.value.details == {"order_id": "o-2"}
