"""What the cart tells other modules (versioned integration events).

Lines are tuples of `{"sku": str, "name": str, "quantity": int, "price_amount": int, "currency": str}`.
"""

from __future__ import annotations

from typing import Any

from martello.kernel.events import Event, event

Line = dict[str, Any]


@event("cart.public.CartOpened", version=1)
class CartOpened(Event):
    cart_id: str
    user_id: str


@event("cart.public.CartCheckedOut", version=1)
class CartCheckedOut(Event):
    cart_id: str
    user_id: str
    lines: tuple[Line, ...]
    total_amount: int
    currency: str


@event("cart.public.CartAbandoned", version=1)
class CartAbandoned(Event):
    """The user emptied or dropped the cart without checking out."""

    cart_id: str
    user_id: str
