"""Keeps every integration event analytics reads, in analytics' own event store.

Analytics owns no aggregates, so it has no events of its own to project from. Instead each message it
receives is appended, unchanged, to its store (with the inbox mark in the same transaction, so a
redelivery is stored once), and the read models are ordinary projections over that log. Dropping a
read model and replaying the log rebuilds it exactly, like any other module's.

The copy keeps the flow's correlation id; its causation id is the received message's id. A message that
cannot be recorded is retried, then parked (`kernel/consumer.py`).
"""

from __future__ import annotations

from typing import Any

from martello.kernel.consumer import Consumer, on
from martello.kernel.database import Database
from martello.kernel.envelope import Envelope
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


class Recorder(Consumer):
    name = "analytics"

    def __init__(self, store: EventStore, database: Database) -> None:
        super().__init__(database)
        self.store = store

    @on(*RECORDED)
    async def record(self, envelope: Envelope[Any]) -> None:
        await self.store.append(
            f"received-{envelope.stream_id}",
            [envelope.event],
            envelope.context,
            expected_version=None,
            inbox=self.inbox(envelope),
        )
