"""The composition root of the workshop module:
wires domain, application, projections and API to the adapters."""

from __future__ import annotations

from collections.abc import Sequence

from martello.generator.template.api.routes import build_router
from martello.generator.template.application import handlers, queries
from martello.generator.template.application.integration import published_events
from martello.generator.template.domain.widget import Widget
from martello.generator.template.projections.widgets import WidgetsProjection
from martello.kernel.ids import new_id
from martello.kernel.module import Module, ModuleContext
from martello.kernel.repository import Repository


class WorkshopModule(Module):
    name = "workshop"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        snapshot_every = int(context.settings.get("snapshot_every", "100"))
        self.widgets = Repository(context.store, Widget, snapshot_every=snapshot_every, integration=published_events)
        handlers.register(self.commands, self.widgets, new_id)
        queries.register(self.queries, context.database, self.widgets)
        self.add_projection(WidgetsProjection())

    def routes(self) -> Sequence[object]:
        return (build_router(self),)
