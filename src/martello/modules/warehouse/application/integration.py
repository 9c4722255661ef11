"""Translating warehouse changes into the integration events other modules rely on: one for each."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.events import Event
from martello.modules.warehouse import contracts
from martello.modules.warehouse.domain.events import (
    StockReceived,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    StockShipped,
)
from martello.modules.warehouse.domain.warehouse import Warehouse


def published_events(warehouse: Warehouse, events: Sequence[Event]) -> list[Event]:
    messages: list[Event] = []
    for event in events:
        match event:
            case StockReceived(sku=sku, quantity=quantity, on_hand=on_hand):
                messages.append(contracts.StockReceived(sku=sku, quantity=quantity, on_hand=on_hand))
            case StockReserved(order_id=order_id, lines=lines):
                messages.append(contracts.StockReserved(order_id=order_id, lines=lines))
            case StockReservationFailed(order_id=order_id, shortages=shortages):
                messages.append(contracts.StockReservationFailed(order_id=order_id, shortages=shortages))
            case StockReleased(order_id=order_id, lines=lines):
                messages.append(contracts.StockReleased(order_id=order_id, lines=lines))
            case StockShipped(order_id=order_id, lines=lines):
                messages.append(contracts.StockShipped(order_id=order_id, lines=lines))
    return messages
