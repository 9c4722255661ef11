"""Command handlers: load the user's carts (none yet: a fresh `Cart`), call one behaviour, append what it recorded."""

from __future__ import annotations

from martello.kernel.clock import Clock
from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.cart.application.commands import AbandonCart, AddItem, ChangeItemQuantity, CheckOut, RemoveItem
from martello.modules.cart.application.price_list import PriceList
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.domain.values import Quantity, Sku


def register(
    commands: CommandBus, carts: Repository[Cart], prices: PriceList, clock: Clock, new_id: IdProvider
) -> None:
    @commands.handler
    async def add_item(command: AddItem, context: MessageContext) -> CommandResult:
        sku, quantity = Sku(command.sku), Quantity(command.quantity)
        today = clock.now().date()
        offer = await prices.offer(sku.value, today)

        async def add(cart: Cart) -> None:
            cart.add_item(sku, quantity, offer, today, new_cart_id=new_id())

        return await carts.change(command.user_id, add, context, new=Cart, expected_version=command.expected_version)

    @commands.handler
    async def change_quantity(command: ChangeItemQuantity, context: MessageContext) -> CommandResult:
        sku, quantity = Sku(command.sku), Quantity(command.quantity)

        async def change(cart: Cart) -> None:
            cart.change_quantity(sku, quantity)

        return await carts.change(command.user_id, change, context, new=Cart, expected_version=command.expected_version)

    @commands.handler
    async def remove_item(command: RemoveItem, context: MessageContext) -> CommandResult:
        sku = Sku(command.sku)

        async def remove(cart: Cart) -> None:
            cart.remove_item(sku)

        return await carts.change(command.user_id, remove, context, new=Cart, expected_version=command.expected_version)

    @commands.handler
    async def check_out(command: CheckOut, context: MessageContext) -> CommandResult:
        async def buy(cart: Cart) -> None:
            today = clock.now().date()
            cart.check_out(await prices.offers(cart.lines, today), today)

        return await carts.change(command.user_id, buy, context, new=Cart, expected_version=command.expected_version)

    @commands.handler
    async def abandon(command: AbandonCart, context: MessageContext) -> CommandResult:
        async def drop(cart: Cart) -> None:
            cart.abandon()

        return await carts.change(command.user_id, drop, context, new=Cart, expected_version=command.expected_version)
