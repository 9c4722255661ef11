"""The analytics HTTP API, mounted under /api/v1/analytics: read-only, for administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from martello.kernel.limits import MAX_SKU_LENGTH
from martello.modules.analytics.api.schemas import (
    CartOutcomesOut,
    DailyRevenueOut,
    FunnelOut,
    ProductRevenueOut,
    StockMovementOut,
)
from martello.modules.analytics.application.queries import (
    CartOutcomes,
    OrderFunnel,
    RevenueByDay,
    RevenueByProduct,
    StockMovements,
)
from martello.web.auth import Admin
from martello.web.commands import Context

DAY = r"^\d{4}-\d{2}-\d{2}$"


def build_router(module: Any) -> APIRouter:
    router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
    queries = module.queries

    @router.get("/revenue/by-product", response_model=list[ProductRevenueOut], summary="Revenue and units by product")
    async def revenue_by_product(context: Context, _: Admin) -> Any:
        return await queries.dispatch(RevenueByProduct(), context)

    @router.get("/revenue/by-day", response_model=list[DailyRevenueOut], summary="Revenue and units by day")
    async def revenue_by_day(
        context: Context,
        _: Admin,
        since: Annotated[str | None, Query(pattern=DAY, max_length=10, description="First UTC day, YYYY-MM-DD")] = None,
        until: Annotated[str | None, Query(pattern=DAY, max_length=10, description="Last UTC day, YYYY-MM-DD")] = None,
    ) -> Any:
        return await queries.dispatch(RevenueByDay(since, until), context)

    @router.get("/carts", response_model=CartOutcomesOut, summary="Carts checked out, abandoned and still open")
    async def carts(context: Context, _: Admin) -> Any:
        return await queries.dispatch(CartOutcomes(), context)

    @router.get("/funnel", response_model=FunnelOut, summary="Orders that reached each stage")
    async def funnel(context: Context, _: Admin) -> Any:
        return await queries.dispatch(OrderFunnel(), context)

    @router.get("/stock", response_model=list[StockMovementOut], summary="Stock movements per SKU")
    async def stock(
        context: Context, _: Admin, sku: Annotated[str | None, Query(max_length=MAX_SKU_LENGTH)] = None
    ) -> Any:
        return await queries.dispatch(StockMovements(sku), context)

    return router
