"""The widgets read model, for listing and lookup:
every widget with its name and whether it is retired."""

from __future__ import annotations

from martello.generator.template.domain.events import WidgetCreated, WidgetRenamed, WidgetRetired
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on


class WidgetsProjection(Projection):
    name = "workshop.widgets"
    tables = ("workshop_widgets",)
    schema = (
        """CREATE TABLE IF NOT EXISTS workshop_widgets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            retired INTEGER NOT NULL,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    )

    @on(WidgetCreated)
    def _created(self, tx: Transaction, e: Envelope[WidgetCreated]) -> None:
        stamp = e.timestamp.isoformat()
        tx.execute(
            "INSERT INTO workshop_widgets (id, name, retired, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (e.event.widget_id, e.event.name, 0, e.stream_version, stamp, stamp),
        )

    @on(WidgetRenamed)
    def _renamed(self, tx: Transaction, e: Envelope[WidgetRenamed]) -> None:
        tx.execute(
            "UPDATE workshop_widgets SET name = ?, version = ?, updated_at = ?"
            " WHERE id = ?",
            (e.event.name, e.stream_version, e.timestamp.isoformat(), e.event.widget_id),
        )

    @on(WidgetRetired)
    def _retired(self, tx: Transaction, e: Envelope[WidgetRetired]) -> None:
        tx.execute(
            "UPDATE workshop_widgets SET retired = ?, version = ?, updated_at = ?"
            " WHERE id = ?",
            (1, e.stream_version, e.timestamp.isoformat(), e.event.widget_id),
        )
