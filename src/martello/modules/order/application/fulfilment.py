"""The fulfilment process manager: drives an order from a checked-out cart through the warehouse.

    cart.public.CartCheckedOut          -> place the order                 (publishes OrderPlaced)
    warehouse.public.StockReserved      -> confirm it, or finish a cancel  (OrderConfirmed / OrderCancelled)
    warehouse.public.StockReservationFailed -> reject it, naming the short SKUs  (OrderRejected)

Its state is the order's own event stream (an order that is `placed` waits for the warehouse), so it
survives restarts and needs no table of its own. Every step is idempotent: the message id is recorded
in the inbox in the same transaction as the step's events, and a cart turns into at most one order
(the order claims the cart id as a unique key). Every event a step writes carries the context of the
message that caused it: same correlation id, causation id = that message's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from martello.kernel.bus import MessageBus
from martello.kernel.envelope import Envelope
from martello.kernel.errors import DomainError, DuplicateMessage, NotFound, UniqueKeyTaken
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.cart.contracts import CartCheckedOut
from martello.modules.order.domain.order import Order
from martello.modules.order.domain.values import OrderLine, Shortage
from martello.modules.warehouse.contracts import StockReservationFailed, StockReserved

log = logging.getLogger("martello.order.fulfilment")


class OrderFulfilment:
    consumer = "order.fulfilment"
    listens_to = (CartCheckedOut, StockReserved, StockReservationFailed)

    def __init__(self, orders: Repository[Order], new_id: IdProvider) -> None:
        self.orders = orders
        self.new_id = new_id

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(self.consumer, [t.__event_type__ for t in self.listens_to], self.handle)

    async def handle(self, envelope: Envelope[Any]) -> None:
        """Apply one message. Duplicates and messages that can never succeed are dropped (and logged);
        infrastructure failures propagate, so the bus delivers the message again."""
        try:
            match envelope.event:
                case CartCheckedOut():
                    await self._place(envelope)
                case StockReserved(order_id=order_id):
                    await self._update(envelope, order_id, Order.stock_reserved)
                case StockReservationFailed(order_id=order_id, shortages=shortages):
                    short = [Shortage.from_data(s) for s in shortages]
                    await self._update(envelope, order_id, lambda order: order.stock_unavailable(short))
        except DuplicateMessage:
            log.debug("%s already handled %s", self.consumer, envelope.message_id)
        except UniqueKeyTaken:
            log.info("cart of message %s has already been ordered; ignored", envelope.message_id)
        except (NotFound, DomainError, KeyError, TypeError, ValueError) as error:
            log.warning("%s dropped %s %s: %s", self.consumer, envelope.type, envelope.message_id, error)

    async def _place(self, envelope: Envelope[CartCheckedOut]) -> None:
        checkout = envelope.event
        lines = [OrderLine.from_data(line) for line in checkout.lines]
        order = Order.place(self.new_id(), checkout.user_id, checkout.cart_id, lines)
        await self.orders.create(
            order,
            envelope.context,
            inbox=(self.consumer, envelope.message_id),
            unique=[("checked-out-cart", checkout.cart_id)],
        )

    async def _update(self, envelope: Envelope[Any], order_id: str, step: Callable[[Order], None]) -> None:
        await self.orders.change(order_id, step, envelope.context, inbox=(self.consumer, envelope.message_id))
