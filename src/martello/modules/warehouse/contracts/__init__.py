"""What the warehouse tells other modules (versioned integration events).

Lines are tuples of `{"sku": str, "quantity": int}`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("warehouse.public.StockReceived", version=1)
class StockReceived(Event):
    sku: str
    quantity: int
    on_hand: int
    """Units physically in the warehouse after receiving."""


@event("warehouse.public.StockReserved", version=1)
class StockReserved(Event):
    """Every line of the order is set aside for it."""

    order_id: str
    lines: tuple[Line, ...]


@event("warehouse.public.StockReservationFailed", version=1)
class StockReservationFailed(Event):
    """Nothing was reserved: at least one SKU is short. `shortages` are
    `{"sku", "requested", "available"}` for every short SKU."""

    order_id: str
    shortages: tuple[Line, ...]


@event("warehouse.public.StockReleased", version=1)
class StockReleased(Event):
    order_id: str
    lines: tuple[Line, ...]


@event("warehouse.public.StockShipped", version=1)
class StockShipped(Event):
    order_id: str
    lines: tuple[Line, ...]
