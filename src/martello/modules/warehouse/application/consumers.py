"""How the warehouse reacts to orders: reserve on OrderPlaced, release on OrderCancelled, ship on OrderShipped.

Each message is handled once (the inbox mark is appended with the warehouse's events) and the events it
causes carry its correlation id and name it as their cause. An order no rule can accept is refused for
good (logged, marked handled); any other failure is retried, then parked (`kernel/consumer.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from martello.kernel.consumer import Consumer, on
from martello.kernel.database import Database
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.repository import Repository
from martello.modules.order.contracts import OrderCancelled, OrderPlaced, OrderShipped
from martello.modules.warehouse.domain.values import OrderLines
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse


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


class WarehouseOrders(Consumer):
    name = "warehouse.orders"

    def __init__(self, warehouses: Repository[Warehouse], database: Database) -> None:
        super().__init__(database)
        self.warehouses = warehouses

    @on(OrderPlaced, OrderCancelled, OrderShipped)
    async def _order_changed(self, envelope: Envelope[Event]) -> None:
        behaviour = behaviour_for(envelope.event)
        if behaviour is not None:
            await self.warehouses.change(MAIN, behaviour, envelope.context, new=Warehouse, inbox=self.inbox(envelope))
