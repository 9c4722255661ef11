"""The warehouse's HTTP API, mounted under /api/v1/warehouse. Administrators only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from martello.modules.warehouse.api.schemas import ReceiveStockIn, StockOut
from martello.modules.warehouse.application.commands import ReceiveStock
from martello.modules.warehouse.application.queries import GetStock, ListStock
from martello.web.auth import Admin
from martello.web.commands import MIN_POSITION, CommandAccepted, Context, wait_for_position


def build_router(module: Any) -> APIRouter:
    """`module` is the WarehouseModule: its command and query buses and its projection runners.
    Reservations are not commands here: the warehouse makes them when orders are placed."""
    router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"])
    commands, queries = module.commands, module.queries

    async def caught_up(position: int | None) -> None:
        await wait_for_position(module.projections.values(), position)

    @router.post("/stock/{sku}/receive", response_model=CommandAccepted, summary="Receive units of a SKU")
    async def receive_stock(sku: str, body: ReceiveStockIn, context: Context, _: Admin) -> CommandAccepted:
        return CommandAccepted.of(await commands.dispatch(ReceiveStock(sku, body.quantity), context))

    @router.get("/stock", response_model=list[StockOut], summary="Stock of every SKU")
    async def list_stock(
        context: Context,
        _: Admin,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        min_position: int | None = MIN_POSITION,
    ) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(ListStock(limit, offset), context)

    @router.get("/stock/{sku}", response_model=StockOut, summary="Stock of one SKU")
    async def get_stock(sku: str, context: Context, _: Admin, min_position: int | None = MIN_POSITION) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(GetStock(sku), context)

    return router
