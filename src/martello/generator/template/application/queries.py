"""Queries: answered from the widgets read model,
or (history) from the widget's own stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from martello.generator.template.domain.widget import Widget
from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.repository import Repository


@dataclass(frozen=True, slots=True)
class ListWidgets:
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class GetWidget:
    widget_id: str


@dataclass(frozen=True, slots=True)
class GetWidgetHistory:
    widget_id: str


WIDGET_COLUMNS = "id, name, retired, version, created_at, updated_at"


def _widget(row: Any) -> dict[str, Any]:
    id_, name, retired, version, created, updated = row
    return {
        "id": id_,
        "name": name,
        "retired": bool(retired),
        "version": version,
        "created_at": created,
        "updated_at": updated,
    }


def register(queries: QueryBus, database: Database, widgets: Repository[Widget]) -> None:
    @queries.handler
    async def list_widgets(query: ListWidgets, context: MessageContext) -> list[dict[str, Any]]:
        def read(tx: Transaction) -> list[Any]:
            sql = f"SELECT {WIDGET_COLUMNS} FROM workshop_widgets"
            sql += " ORDER BY id LIMIT ? OFFSET ?"
            return list(tx.execute(sql, (query.limit, query.offset)).fetchall())

        return [_widget(row) for row in await database.read(read)]

    @queries.handler
    async def get_widget(query: GetWidget, context: MessageContext) -> dict[str, Any]:
        def read(tx: Transaction) -> Any:
            sql = f"SELECT {WIDGET_COLUMNS} FROM workshop_widgets WHERE id = ?"
            return tx.execute(sql, (query.widget_id,)).fetchone()

        row = await database.read(read)
        if row is None:
            raise NotFound(f"widget {query.widget_id} does not exist", id=query.widget_id)
        return _widget(row)

    @queries.handler
    async def widget_history(query: GetWidgetHistory, context: MessageContext) -> list[Envelope[Event]]:
        return await widgets.store.read_stream(Widget.stream_id_for(query.widget_id))
