"""The order's composition root: wires domain, process manager, projections and API to the adapters."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.ids import new_id
from martello.kernel.module import Module, ModuleContext
from martello.modules.order.api.routes import build_router
from martello.modules.order.application import handlers, queries
from martello.modules.order.application.fulfilment import OrderFulfilment
from martello.modules.order.application.integration import published_events
from martello.modules.order.domain.order import Order
from martello.modules.order.projections.orders import OrdersProjection


class OrderModule(Module):
    name = "order"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.orders = self.repository(Order, published_events)
        handlers.register(self.commands, self.orders, context.clock)
        orders_view = OrdersProjection()
        queries.register(self.queries, context.database, self.orders, self.time_travel(orders_view))
        self.fulfilment = self.add_consumer(OrderFulfilment(self.orders, new_id, context.database))
        self.add_projection(orders_view)

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
