"""The catalog's composition root: wires domain, application, projections and API to the adapters."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.ids import new_id
from martello.kernel.module import Module, ModuleContext
from martello.modules.catalog.api.routes import build_router
from martello.modules.catalog.application import handlers, queries
from martello.modules.catalog.application.integration import published_events
from martello.modules.catalog.domain.catalog import Catalog
from martello.modules.catalog.projections.catalogs import CatalogsProjection


class CatalogModule(Module):
    name = "catalog"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.catalogs = self.repository(Catalog, published_events)
        handlers.register(self.commands, self.catalogs, new_id)
        catalogs_view = CatalogsProjection()
        queries.register(self.queries, context.database, self.catalogs, self.time_travel(catalogs_view))
        self.add_projection(catalogs_view)

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
