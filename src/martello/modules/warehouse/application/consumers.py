"""How the warehouse reacts to orders: reserve on OrderPlaced, release on OrderCancelled, ship on OrderShipped.

Each message is handled once (the inbox mark is appended with the warehouse's events) and the events it
causes carry its correlation id and name it as their cause.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from martello.kernel.bus import MessageBus
from martello.kernel.database import Database, mark_handled
from martello.kernel.envelope import Envelope
from martello.kernel.errors import DomainError, DuplicateMessage
from martello.kernel.events import Event
from martello.kernel.repository import Repository
from martello.modules.order.contracts import OrderCancelled, OrderPlaced, OrderShipped
from martello.modules.warehouse.domain.values import OrderLines
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse

CONSUMER = "warehouse.orders"
log = logging.getLogger("martello.warehouse")


def behaviour_for(message: Event) -> Callable[[Warehouse], None] | None:
    """What the warehouse does about an order event (None: nothing)."""
    match message:
        case OrderPlaced(order_id=order_id, lines=lines):
            return lambda w: w.reserve(order_id, OrderLines.from_data(lines))
        case OrderCancelled(order_id=order_id, release_stock=True):
            return lambda w: w.release(order_id)
        case OrderShipped(order_id=order_id):
            return lambda w: w.ship(order_id)
    return None


def subscribe(bus: MessageBus, warehouses: Repository[Warehouse], database: Database) -> None:
    async def handle(envelope: Envelope[Event]) -> None:
        behaviour = behaviour_for(envelope.event)
        if behaviour is None:
            return
        try:
            await warehouses.change(
                MAIN, behaviour, envelope.context, new=Warehouse, inbox=(CONSUMER, envelope.message_id)
            )
        except DuplicateMessage:
            pass  # handled before: the effect is already there
        except DomainError as refused:
            # A message no rule can accept would fail the same way forever: record it as handled and say so.
            log.error("%s refused %s %s: %s", CONSUMER, envelope.type, envelope.message_id, refused.message)
            await database.write(lambda tx: mark_handled(tx, CONSUMER, envelope.message_id))

    types = [OrderPlaced.__event_type__, OrderCancelled.__event_type__, OrderShipped.__event_type__]
    bus.subscribe(CONSUMER, types, handle)
