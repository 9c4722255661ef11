"""The cart's composition root: wires domain, application, projections and API to the adapters.

A user's carts are one `Cart` aggregate (stream `cart-<user_id>`), which is what keeps at most one cart
open per user; `domain/cart.py` explains the choice. The price list is fed by the catalog's integration
events (`application/price_list.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.ids import new_id
from martello.kernel.module import Module, ModuleContext
from martello.modules.cart.api.routes import build_router
from martello.modules.cart.application import consumers, handlers, price_list, queries
from martello.modules.cart.application.integration import published_events
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.projections.carts import CartsProjection


class CartModule(Module):
    name = "cart"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.carts = self.repository(Cart, published_events)
        self.prices = price_list.PriceList(context.database)
        handlers.register(self.commands, self.carts, self.prices, context.clock, new_id)
        carts_view = CartsProjection()
        past = self.time_travel(carts_view)
        queries.register(self.queries, context.database, self.prices, context.clock, context.store, past)
        self.add_consumer(consumers.PriceListFeed(context.database))
        self.add_projection(carts_view)

    async def init(self) -> None:
        await super().init()
        await self.context.database.write(price_list.setup)

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
