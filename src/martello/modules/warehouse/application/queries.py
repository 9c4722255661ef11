"""Queries: answered from the stock read model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from martello.kernel.database import Database
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class ListStock:
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class GetStock:
    sku: str


COLUMNS = "sku, on_hand, reserved, updated_at"


def _stock(row: Any) -> dict[str, Any]:
    sku, on_hand, reserved, updated = row
    available = on_hand - reserved
    return {"sku": sku, "on_hand": on_hand, "reserved": reserved, "available": available, "updated_at": updated}


def register(queries: QueryBus, database: Database) -> None:
    @queries.handler
    async def list_stock(query: ListStock, context: MessageContext) -> list[dict[str, Any]]:
        sql = f"SELECT {COLUMNS} FROM warehouse_stock ORDER BY sku LIMIT ? OFFSET ?"
        rows = await database.read(lambda tx: tx.execute(sql, (query.limit, query.offset)).fetchall())
        return [_stock(row) for row in rows]

    @queries.handler
    async def get_stock(query: GetStock, context: MessageContext) -> dict[str, Any]:
        sql = f"SELECT {COLUMNS} FROM warehouse_stock WHERE sku = ?"
        row = await database.read(lambda tx: tx.execute(sql, (query.sku,)).fetchone())
        if row is None:
            raise NotFound(f"no stock of SKU {query.sku} has been received", sku=query.sku)
        return _stock(row)
