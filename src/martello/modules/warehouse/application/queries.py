"""Queries: answered from the stock read model, or (time travel) from the warehouse's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from martello.kernel.database import Database
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.repository import Repository
from martello.modules.warehouse.domain.values import StockLevel
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse


@dataclass(frozen=True, slots=True)
class ListStock:
    limit: int = 100
    offset: int = 0
    as_of_version: int | None = None
    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class GetStock:
    sku: str
    as_of_version: int | None = None
    as_of: datetime | None = None


COLUMNS = "sku, on_hand, reserved, updated_at"


def _stock(row: Any) -> dict[str, Any]:
    sku, on_hand, reserved, updated = row
    available = on_hand - reserved
    return {"sku": sku, "on_hand": on_hand, "reserved": reserved, "available": available, "updated_at": updated}


def stock_as_of(sku: str, level: StockLevel) -> dict[str, Any]:
    """The same view as the read model's, from a warehouse folded to a point in its history.
    The aggregate knows no times (it needs none for its rules), so `updated_at` is None."""
    return _stock((sku, level.on_hand, level.reserved, None))


def _time_travel(query: ListStock | GetStock) -> bool:
    return query.as_of_version is not None or query.as_of is not None


def register(queries: QueryBus, database: Database, warehouses: Repository[Warehouse]) -> None:
    async def warehouse_as_of(query: ListStock | GetStock) -> Warehouse:
        return await warehouses.load(MAIN, as_of_version=query.as_of_version, as_of=query.as_of)

    @queries.handler
    async def list_stock(query: ListStock, context: MessageContext) -> list[dict[str, Any]]:
        if _time_travel(query):
            warehouse = await warehouse_as_of(query)
            skus = sorted(warehouse.stock)[query.offset : query.offset + query.limit]
            return [stock_as_of(sku, warehouse.stock[sku]) for sku in skus]
        sql = f"SELECT {COLUMNS} FROM warehouse_stock ORDER BY sku LIMIT ? OFFSET ?"
        rows = await database.read(lambda tx: tx.execute(sql, (query.limit, query.offset)).fetchall())
        return [_stock(row) for row in rows]

    @queries.handler
    async def get_stock(query: GetStock, context: MessageContext) -> dict[str, Any]:
        if _time_travel(query):
            level = (await warehouse_as_of(query)).stock.get(query.sku)
            if level is None:
                raise NotFound(f"no stock of SKU {query.sku} had been received at that point in time", sku=query.sku)
            return stock_as_of(query.sku, level)
        sql = f"SELECT {COLUMNS} FROM warehouse_stock WHERE sku = ?"
        row = await database.read(lambda tx: tx.execute(sql, (query.sku,)).fetchone())
        if row is None:
            raise NotFound(f"no stock of SKU {query.sku} has been received", sku=query.sku)
        return _stock(row)
