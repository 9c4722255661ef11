"""Translating cart changes into the integration events other modules rely on."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.events import Event
from martello.modules.cart import contracts
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.domain.events import CartAbandoned, CartCheckedOut, CartOpened


def published_events(cart: Cart, events: Sequence[Event]) -> list[Event]:
    """Carts opening and closing are public; what happens inside an open cart is not."""
    messages: list[Event] = []
    for event in events:
        match event:
            case CartOpened(cart_id=cart_id, user_id=user_id):
                messages.append(contracts.CartOpened(cart_id=cart_id, user_id=user_id))
            case CartCheckedOut() as done:
                messages.append(
                    contracts.CartCheckedOut(
                        cart_id=done.cart_id,
                        user_id=done.user_id,
                        lines=done.lines,
                        total_amount=done.total_amount,
                        currency=done.currency,
                    )
                )
            case CartAbandoned(cart_id=cart_id, user_id=user_id):
                messages.append(contracts.CartAbandoned(cart_id=cart_id, user_id=user_id))
    return messages
