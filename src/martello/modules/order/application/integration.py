"""Translating order changes into the integration events other modules rely on (`order.contracts`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from martello.kernel.events import Event
from martello.modules.order import contracts
from martello.modules.order.domain import events as e
from martello.modules.order.domain.order import Order


def published_events(order: Order, events: Sequence[Event]) -> list[Event]:
    lines = _lines(order)
    messages: list[Event] = []
    for event in events:
        match event:
            case e.OrderPlaced():
                messages.append(
                    contracts.OrderPlaced(
                        order_id=order.id,
                        user_id=order.user_id,
                        cart_id=order.cart_id,
                        lines=lines,
                        total_amount=order.total_amount,
                        currency=order.currency,
                    )
                )
            case e.OrderConfirmed():
                messages.append(
                    contracts.OrderConfirmed(
                        order_id=order.id,
                        user_id=order.user_id,
                        total_amount=order.total_amount,
                        currency=order.currency,
                    )
                )
            case e.OrderRejected():
                messages.append(
                    contracts.OrderRejected(
                        order_id=order.id, user_id=order.user_id, reason=event.reason, short_skus=event.short_skus
                    )
                )
            case e.OrderPaid():
                messages.append(
                    contracts.OrderPaid(
                        order_id=order.id,
                        user_id=order.user_id,
                        amount=event.amount,
                        currency=event.currency,
                        lines=lines,
                        paid_at=event.paid_at,
                    )
                )
            case e.OrderShipped():
                messages.append(contracts.OrderShipped(order_id=order.id, user_id=order.user_id, lines=lines))
            case e.OrderCancelled():
                messages.append(
                    contracts.OrderCancelled(
                        order_id=order.id, user_id=order.user_id, release_stock=event.release_stock, lines=lines
                    )
                )
    return messages


def _lines(order: Order) -> tuple[dict[str, Any], ...]:
    """Lines in the contract's shape: `{"sku", "quantity", "price_amount", "currency"}`."""
    return tuple(
        {"sku": line.sku, "quantity": line.quantity, "price_amount": line.price_amount, "currency": line.currency}
        for line in order.lines
    )
