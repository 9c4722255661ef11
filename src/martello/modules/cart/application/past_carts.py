"""A user's carts as they were at a point in their history (time travel).

The views of the `cart.carts` read model cannot come from the `Cart` aggregate folded to that point:
the aggregate keeps only what its rules need (the open cart's quantities), not the carts it closed nor
when anything happened. So the user's stream, cut at that point, is folded here exactly the way the
read model folds it, in memory: at the stream's latest version this gives the read model's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart.domain.events import (
    CartAbandoned,
    CartCheckedOut,
    CartOpened,
    ItemAdded,
    ItemQuantityChanged,
    ItemRemoved,
    Line,
)


@dataclass(slots=True)
class PastCart:
    """One cart as the read model would have shown it: a row of `cart_carts` and its `cart_lines`."""

    cart_id: str
    user_id: str
    opened_at: str
    status: str = "open"
    version: int = 0
    updated_at: str = ""
    quantities: dict[str, int] = field(default_factory=dict)
    """Quantity per SKU, in the order the lines were added."""
    bought: dict[str, Line] = field(default_factory=dict)
    """A checked-out cart's lines with the name and price they were bought at, by SKU."""
    total_amount: int | None = None
    currency: str | None = None


def carts_as_of(envelopes: Iterable[Envelope[Event]]) -> dict[str, PastCart]:
    """Every cart of one user's stream (in the order they were opened) after these events."""
    carts: dict[str, PastCart] = {}
    for e in envelopes:
        match e.event:
            case CartOpened(cart_id=cart_id, user_id=user_id):
                carts[cart_id] = PastCart(cart_id, user_id, opened_at=e.timestamp.isoformat())
            case ItemAdded(cart_id=cart_id, sku=sku, quantity=quantity):
                carts[cart_id].quantities[sku] = quantity
            case ItemQuantityChanged(cart_id=cart_id, sku=sku, quantity=quantity):
                carts[cart_id].quantities[sku] = quantity
            case ItemRemoved(cart_id=cart_id, sku=sku):
                del carts[cart_id].quantities[sku]
            case CartCheckedOut(cart_id=cart_id) as done:
                cart = carts[cart_id]
                cart.status, cart.bought = "checked-out", {line["sku"]: line for line in done.lines}
                cart.total_amount, cart.currency = done.total_amount, done.currency
            case CartAbandoned(cart_id=cart_id):
                carts[cart_id].status = "abandoned"
            case _:
                continue
        carts[cart_id].version, carts[cart_id].updated_at = e.stream_version, e.timestamp.isoformat()
    return carts
