"""What the order context tells other modules (versioned integration events).

Lines are tuples of `{"sku": str, "quantity": int, "price_amount": int, "currency": str}`.
The warehouse reserves on `OrderPlaced`, releases on `OrderCancelled` (when `release_stock`) and
ships on `OrderShipped`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("order.public.OrderPlaced", version=1)
class OrderPlaced(Event):
    order_id: str
    user_id: str
    cart_id: str
    lines: tuple[Line, ...]
    total_amount: int
    currency: str


@event("order.public.OrderConfirmed", version=1)
class OrderConfirmed(Event):
    order_id: str
    user_id: str
    total_amount: int
    currency: str


@event("order.public.OrderRejected", version=1)
class OrderRejected(Event):
    order_id: str
    user_id: str
    reason: str
    short_skus: tuple[str, ...]


@event("order.public.OrderPaid", version=1)
class OrderPaid(Event):
    order_id: str
    user_id: str
    amount: int
    currency: str
    lines: tuple[Line, ...]
    """What was bought: revenue by product and day is derived from these."""
    paid_at: str | None = None
    """ISO-8601 instant (UTC) of the payment. Added compatibly: messages without it decode as None."""


@event("order.public.OrderShipped", version=1)
class OrderShipped(Event):
    order_id: str
    user_id: str
    lines: tuple[Line, ...]


@event("order.public.OrderCancelled", version=1)
class OrderCancelled(Event):
    order_id: str
    user_id: str
    release_stock: bool
    """True when the order held a reservation the warehouse must release."""
    lines: tuple[Line, ...]
