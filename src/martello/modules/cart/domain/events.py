"""What happens to a user's carts, as past-tense facts. Type names are explicit and never change.

Checked-out lines are `{"sku", "name", "quantity", "price_amount", "currency"}`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("cart.CartOpened")
class CartOpened(Event):
    cart_id: str
    user_id: str


@event("cart.ItemAdded")
class ItemAdded(Event):
    cart_id: str
    sku: str
    quantity: int


@event("cart.ItemQuantityChanged")
class ItemQuantityChanged(Event):
    cart_id: str
    sku: str
    quantity: int
    """The new quantity (not the difference)."""


@event("cart.ItemRemoved")
class ItemRemoved(Event):
    cart_id: str
    sku: str


@event("cart.CartCheckedOut")
class CartCheckedOut(Event):
    """The cart is closed and its lines are bought at these prices."""

    cart_id: str
    user_id: str
    lines: tuple[Line, ...]
    total_amount: int
    currency: str


@event("cart.CartAbandoned")
class CartAbandoned(Event):
    cart_id: str
    user_id: str
