"""What happens to an order, as past-tense facts. Type names are explicit and never change.

Lines are tuples of `{"sku", "name", "quantity", "price_amount", "currency"}`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("order.OrderPlaced")
class OrderPlaced(Event):
    order_id: str
    user_id: str
    cart_id: str
    lines: tuple[Line, ...]
    total_amount: int
    currency: str


@event("order.OrderConfirmed")
class OrderConfirmed(Event):
    """The warehouse reserved every line."""

    order_id: str


@event("order.OrderRejected")
class OrderRejected(Event):
    """The warehouse could not reserve every line; nothing is held for the order."""

    order_id: str
    reason: str
    short_skus: tuple[str, ...]


@event("order.OrderPaid")
class OrderPaid(Event):
    order_id: str
    amount: int
    currency: str
    paid_at: str
    """ISO-8601 instant (UTC)."""


@event("order.OrderShipped")
class OrderShipped(Event):
    order_id: str


@event("order.OrderCancellationRequested")
class OrderCancellationRequested(Event):
    """Cancelled while the warehouse had not answered yet: the order is cancelled once it does,
    releasing the reservation if one was made."""

    order_id: str


@event("order.OrderCancelled")
class OrderCancelled(Event):
    order_id: str
    release_stock: bool
    """True when stock was reserved for the order and must be released."""
