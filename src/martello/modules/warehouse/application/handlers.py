"""Command handlers: load the warehouse, call one behaviour, append what it recorded."""

from __future__ import annotations

from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.modules.warehouse.application.commands import ReceiveStock
from martello.modules.warehouse.application.warehouses import Warehouses
from martello.modules.warehouse.domain.values import Quantity, Sku


def register(commands: CommandBus, warehouses: Warehouses) -> None:
    @commands.handler
    async def receive_stock(command: ReceiveStock, context: MessageContext) -> CommandResult:
        sku, quantity = Sku(command.sku), Quantity(command.quantity)
        return await warehouses.change(lambda w: w.receive(sku, quantity), context)
