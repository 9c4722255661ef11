"""What happens to the warehouse, as past-tense facts. Type names are explicit and never change.

Lines are `{"sku": str, "quantity": int}`; shortages are `{"sku": str, "requested": int, "available": int}`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("warehouse.StockReceived")
class StockReceived(Event):
    sku: str
    quantity: int
    on_hand: int
    """Units of the SKU in the building after receiving."""


@event("warehouse.StockReserved")
class StockReserved(Event):
    """Every line of the order is set aside for it."""

    order_id: str
    lines: tuple[Line, ...]


@event("warehouse.StockReservationFailed")
class StockReservationFailed(Event):
    """Nothing was set aside: these SKUs are short."""

    order_id: str
    shortages: tuple[Line, ...]


@event("warehouse.StockReleased")
class StockReleased(Event):
    """The order's reservation is given back: its units are available again."""

    order_id: str
    lines: tuple[Line, ...]


@event("warehouse.StockShipped")
class StockShipped(Event):
    """The order's reserved units left the building."""

    order_id: str
    lines: tuple[Line, ...]
