"""The analytics composition root: records the integration events it reads and projects them.

Analytics writes nothing anywhere else: it only appends received messages to its own store
(see `application/recorder.py`) and answers administrators' queries from its read models.
"""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.module import Module, ModuleContext
from martello.modules.analytics.api.routes import build_router
from martello.modules.analytics.application import queries
from martello.modules.analytics.application.recorder import Recorder
from martello.modules.analytics.projections.carts import CartsProjection
from martello.modules.analytics.projections.funnel import FunnelProjection
from martello.modules.analytics.projections.sales import SalesProjection
from martello.modules.analytics.projections.stock import StockMovementsProjection


class AnalyticsModule(Module):
    name = "analytics"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.recorder = self.add_consumer(Recorder(context.store, context.database))
        queries.register(self.queries, context.database)
        for projection in (SalesProjection(), CartsProjection(), FunnelProjection(), StockMovementsProjection()):
            self.add_projection(projection)

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
