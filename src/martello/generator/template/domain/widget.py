"""The Widget aggregate: created with a name, renamed while in use, retired for good."""

from __future__ import annotations

from typing import Any, Self

from martello.generator.template.domain.errors import WidgetAlreadyRetired
from martello.generator.template.domain.events import WidgetCreated, WidgetRenamed, WidgetRetired
from martello.generator.template.domain.values import name
from martello.kernel.aggregate import Aggregate, applies


class Widget(Aggregate):
    stream_type = "widget"
    snapshot_schema = 1

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.name = ""
        self.retired = False

    # -- behaviour -------------------------------------------------------------------------------

    @classmethod
    def create(cls, id: str, widget_name: str) -> Widget:
        widget = cls(id)
        widget.record(WidgetCreated(widget_id=id, name=name(widget_name)))
        return widget

    def rename(self, new_name: str) -> None:
        """A widget in use may take a new name; its own name again changes nothing."""
        self._require_in_use("be renamed")
        renamed = name(new_name)
        if renamed != self.name:
            self.record(WidgetRenamed(widget_id=self.id, name=renamed))

    def retire(self) -> None:
        self._require_in_use("be retired")
        self.record(WidgetRetired(widget_id=self.id))

    def _require_in_use(self, action: str) -> None:
        if self.retired:
            raise WidgetAlreadyRetired(self.id, action)

    # -- state changes ---------------------------------------------------------------------------

    @applies(WidgetCreated)
    def _created(self, event: WidgetCreated) -> None:
        self.name = event.name

    @applies(WidgetRenamed)
    def _renamed(self, event: WidgetRenamed) -> None:
        self.name = event.name

    @applies(WidgetRetired)
    def _retired(self, event: WidgetRetired) -> None:
        self.retired = True

    # -- snapshots -------------------------------------------------------------------------------

    def snapshot_state(self) -> dict[str, Any]:
        return {"name": self.name, "retired": self.retired}

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        widget = cls(id)
        widget.version = version
        widget.name = state["name"]
        widget.retired = state["retired"]
        return widget
