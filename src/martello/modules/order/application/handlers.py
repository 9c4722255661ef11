"""Command handlers: check who asks, load one order, call one behaviour, append what it recorded."""

from __future__ import annotations

from collections.abc import Callable

from martello.kernel.clock import Clock
from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.repository import Repository
from martello.modules.order.application.commands import CancelOrder, OrderCommand, PayOrder, ShipOrder
from martello.modules.order.domain.errors import UnknownOrder
from martello.modules.order.domain.order import Order


def may_see(order: Order, context: MessageContext) -> bool:
    """Customers see their own orders; administrators see every order."""
    return context.is_admin or (context.actor is not None and order.user_id == context.actor)


def register(commands: CommandBus, orders: Repository[Order], clock: Clock) -> None:
    async def change(
        command: OrderCommand, context: MessageContext, behaviour: Callable[[Order], None]
    ) -> CommandResult:
        order = await orders.find(command.order_id)
        if order is None or not may_see(order, context):
            raise UnknownOrder(command.order_id)
        return await orders.change(command.order_id, behaviour, context, expected_version=command.expected_version)

    @commands.handler
    async def pay_order(command: PayOrder, context: MessageContext) -> CommandResult:
        return await change(command, context, lambda order: order.pay(clock.now()))

    @commands.handler
    async def ship_order(command: ShipOrder, context: MessageContext) -> CommandResult:
        return await change(command, context, Order.ship)

    @commands.handler
    async def cancel_order(command: CancelOrder, context: MessageContext) -> CommandResult:
        return await change(command, context, Order.cancel)
