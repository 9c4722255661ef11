"""The fulfilment process manager: drives an order from a checked-out cart through the warehouse.

    cart.public.CartCheckedOut          -> place the order                 (publishes OrderPlaced)
    warehouse.public.StockReserved      -> confirm it, or finish a cancel  (OrderConfirmed / OrderCancelled)
    warehouse.public.StockReservationFailed -> reject it, naming the short SKUs  (OrderRejected)

Its state is the order's own event stream (an order that is `placed` waits for the warehouse), so it
survives restarts and needs no table of its own. Every step is idempotent: the message id is recorded
in the inbox in the same transaction as the step's events, and a cart turns into at most one order
(the order claims the cart id as a unique key). Every event a step writes carries the context of the
message that caused it: same correlation id, causation id = that message's id. A step no rule accepts
is refused for good (logged, marked handled); any other failure is retried, then parked
(`kernel/consumer.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from martello.kernel.consumer import Consumer, on
from martello.kernel.database import Database
from martello.kernel.envelope import Envelope
from martello.kernel.errors import UniqueKeyTaken
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.cart.contracts import CartCheckedOut
from martello.modules.order.domain.order import Order
from martello.modules.order.domain.values import OrderLine, Shortage
from martello.modules.warehouse.contracts import StockReservationFailed, StockReserved

log = logging.getLogger("martello.order.fulfilment")


class OrderFulfilment(Consumer):
    name = "order.fulfilment"

    def __init__(self, orders: Repository[Order], new_id: IdProvider, database: Database) -> None:
        super().__init__(database)
        self.orders = orders
        self.new_id = new_id

    @on(CartCheckedOut)
    async def _checked_out(self, envelope: Envelope[CartCheckedOut]) -> None:
        try:
            await self._place(envelope)
        except UniqueKeyTaken:
            log.info("cart of message %s has already been ordered; ignored", envelope.message_id)

    @on(StockReserved)
    async def _reserved(self, envelope: Envelope[StockReserved]) -> None:
        await self._update(envelope, envelope.event.order_id, Order.stock_reserved)

    @on(StockReservationFailed)
    async def _reservation_failed(self, envelope: Envelope[StockReservationFailed]) -> None:
        short = [Shortage.from_data(s) for s in envelope.event.shortages]
        await self._update(envelope, envelope.event.order_id, lambda order: order.stock_unavailable(short))

    async def _place(self, envelope: Envelope[CartCheckedOut]) -> None:
        checkout = envelope.event
        lines = [OrderLine.from_data(line) for line in checkout.lines]
        order = Order.place(self.new_id(), checkout.user_id, checkout.cart_id, lines)
        await self.orders.create(
            order,
            envelope.context,
            inbox=self.inbox(envelope),
            unique=[("checked-out-cart", checkout.cart_id)],
        )

    async def _update(self, envelope: Envelope[Any], order_id: str, step: Callable[[Order], None]) -> None:
        await self.orders.change(order_id, step, envelope.context, inbox=self.inbox(envelope))
