"""Command handlers: load the warehouse, call one behaviour, append what it recorded."""

from __future__ import annotations

from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.repository import Repository
from martello.modules.warehouse.application.commands import ReceiveStock
from martello.modules.warehouse.domain.values import Quantity, Sku
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse


def register(commands: CommandBus, warehouses: Repository[Warehouse]) -> None:
    @commands.handler
    async def receive_stock(command: ReceiveStock, context: MessageContext) -> CommandResult:
        sku, quantity = Sku(command.sku), Quantity(command.quantity)
        return await warehouses.change(MAIN, lambda w: w.receive(sku, quantity), context, new=Warehouse)
