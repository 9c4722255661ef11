"""The warehouse's HTTP API, mounted under /api/v1/warehouse. Administrators only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from martello.kernel.limits import MAX_STOCK_RECEIPT
from martello.modules.warehouse.api.schemas import StockOut
from martello.modules.warehouse.application.commands import ReceiveStock
from martello.modules.warehouse.application.queries import GetStock, ListStock
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse
from martello.web.auth import Admin
from martello.web.commands import CommandAccepted, Context, Strict
from martello.web.history import HistoryOut, history
from martello.web.module_api import ModuleApi
from martello.web.params import Paged, SkuPath, When


class ReceiveStockIn(Strict):
    quantity: int = Field(ge=1, le=MAX_STOCK_RECEIPT, description="Units received: 1 to 1,000,000")


def build_router(module: Any) -> APIRouter:
    """`module` is the WarehouseModule: its command and query buses, its projection runners and `warehouses`.
    Reservations are not commands here: the warehouse makes them when orders are placed."""
    router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"])
    api = ModuleApi(module)

    @router.post("/stock/{sku}/receive", response_model=CommandAccepted, summary="Receive units of a SKU")
    async def receive_stock(sku: SkuPath, body: ReceiveStockIn, context: Context, _: Admin) -> CommandAccepted:
        return await api.accepted(ReceiveStock(**body.model_dump(), sku=sku), context)

    @router.get("/stock", response_model=list[StockOut], summary="Stock of every SKU, now or as of the past")
    async def list_stock(context: Context, _: Admin, when: When, page: Paged) -> Any:
        query = ListStock(page.limit, page.offset, when.at)
        return await api.ask(query, context, when.min_position)

    @router.get("/stock/{sku}", response_model=StockOut, summary="Stock of one SKU, now or as of the past")
    async def get_stock(sku: SkuPath, context: Context, _: Admin, when: When) -> Any:
        return await api.ask(GetStock(sku, when.at), context, when.min_position)

    @router.get("/history", response_model=HistoryOut, summary="The warehouse's events, with their envelopes")
    async def warehouse_history(_: Admin) -> HistoryOut:
        stream_id = Warehouse.stream_id_for(MAIN)
        return history(stream_id, await module.context.store.read_stream(stream_id))

    return router
