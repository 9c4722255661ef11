"""The warehouse's composition root: wires domain, application, projections and API to the adapters.

All stock lives in one `Warehouse` aggregate (stream `warehouse-main`) so that an order's lines are
reserved all-or-nothing in one append; `domain/warehouse.py` explains the choice and its price.
"""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.module import Module, ModuleContext
from martello.modules.warehouse.api.routes import build_router
from martello.modules.warehouse.application import consumers, handlers, queries
from martello.modules.warehouse.application.integration import published_events
from martello.modules.warehouse.domain.warehouse import Warehouse
from martello.modules.warehouse.projections.stock import StockProjection


class WarehouseModule(Module):
    name = "warehouse"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.warehouses = self.repository(Warehouse, published_events)
        handlers.register(self.commands, self.warehouses)
        stock = StockProjection()
        queries.register(self.queries, context.database, self.time_travel(stock))
        self.add_consumer(consumers.WarehouseOrders(self.warehouses, context.database))
        self.add_projection(stock)

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
