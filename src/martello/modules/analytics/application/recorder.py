"""Keeps every integration event analytics reads, in analytics' own event store.

Analytics owns no aggregates, so it has no events of its own to project from. Instead each message it
receives is appended, unchanged, to its store (with the inbox mark in the same transaction, so a
redelivery is stored once), and the read models are ordinary projections over that log. Dropping a
read model and replaying the log rebuilds it exactly, like any other module's.

The copy keeps the flow's correlation id; its causation id is the received message's id.
"""

from __future__ import annotations

import logging
from typing import Any

from martello.kernel.bus import MessageBus
from martello.kernel.envelope import Envelope
from martello.kernel.errors import DuplicateMessage
from martello.kernel.events import Event
from martello.kernel.store import EventStore
from martello.modules.cart.contracts import CartAbandoned, CartCheckedOut, CartOpened
from martello.modules.order.contracts import (
    OrderCancelled,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
)
from martello.modules.warehouse.contracts import (
    StockReceived,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    StockShipped,
)

log = logging.getLogger("martello.analytics")

RECORDED: tuple[type[Event], ...] = (
    CartOpened,
    CartCheckedOut,
    CartAbandoned,
    OrderPlaced,
    OrderConfirmed,
    OrderRejected,
    OrderPaid,
    OrderShipped,
    OrderCancelled,
    StockReceived,
    StockReserved,
    StockReservationFailed,
    StockReleased,
    StockShipped,
)


class Recorder:
    consumer = "analytics"

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(self.consumer, [t.__event_type__ for t in RECORDED], self.record)

    async def record(self, envelope: Envelope[Any]) -> None:
        try:
            await self.store.append(
                f"received-{envelope.stream_id}",
                [envelope.event],
                envelope.context,
                expected_version=None,
                inbox=(self.consumer, envelope.message_id),
            )
        except DuplicateMessage:
            log.debug("analytics already recorded %s", envelope.message_id)
