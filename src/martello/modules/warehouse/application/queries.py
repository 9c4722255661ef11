"""Queries: answered from the stock read model. Time travel (`as_of_version` / `as_of`) asks the same query of
the stock read model replayed from the warehouse's events up to that point (`kernel/time_travel.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.time_travel import NOW, PointInTime, TimeTravel
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListStock:
    limit: int = 100
    offset: int = 0
    at: PointInTime = NOW


@dataclass(frozen=True, slots=True)
class GetStock:
    sku: str
    at: PointInTime = NOW


COLUMNS = "sku, on_hand, reserved, updated_at"


def _stock(row: Any) -> dict[str, Any]:
    sku, on_hand, reserved, updated = row
    available = on_hand - reserved
    return {"sku": sku, "on_hand": on_hand, "reserved": reserved, "available": available, "updated_at": updated}


def stock_levels(tx: Transaction, limit: int, offset: int) -> list[dict[str, Any]]:
    """A page of the stock read model (the live one, or one replayed to a point in the warehouse's history)."""
    rows = tx.execute(f"SELECT {COLUMNS} FROM warehouse_stock ORDER BY sku LIMIT ? OFFSET ?", (limit, offset))
    return [_stock(row) for row in rows.fetchall()]


def stock_level(tx: Transaction, sku: str) -> dict[str, Any] | None:
    """One SKU's stock, or None if none of it has been received."""
    row = tx.execute(f"SELECT {COLUMNS} FROM warehouse_stock WHERE sku = ?", (sku,)).fetchone()
    return None if row is None else _stock(row)


def register(queries: QueryBus, database: Database, past: TimeTravel) -> None:
    async def answer(query: ListStock | GetStock, read: Callable[[Transaction], T]) -> T:
        """`read` on the live read model, or on the one of the query's point in time (404 before the first event)."""
        absent = NotFound(f"warehouse {MAIN} did not exist at that point in time", id=MAIN)
        return await past.now_or_then(database, Warehouse.stream_id_for(MAIN), read, query.at, absent)

    @queries.handler
    async def list_stock(query: ListStock, context: MessageContext) -> list[dict[str, Any]]:
        return await answer(query, partial(stock_levels, limit=query.limit, offset=query.offset))

    @queries.handler
    async def get_stock(query: GetStock, context: MessageContext) -> dict[str, Any]:
        view = await answer(query, partial(stock_level, sku=query.sku))
        if view is None:
            said = "has been received" if query.at.is_now else "had been received at that point in time"
            raise NotFound(f"no stock of SKU {query.sku} {said}", sku=query.sku)
        return view
