"""Queries over analytics' read models. Every figure is eventually consistent with the shop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext


@dataclass(frozen=True, slots=True)
class RevenueByProduct:
    pass


@dataclass(frozen=True, slots=True)
class RevenueByDay:
    since: str | None = None
    """First UTC day (YYYY-MM-DD) to include."""
    until: str | None = None
    """Last UTC day to include."""


@dataclass(frozen=True, slots=True)
class CartOutcomes:
    pass


@dataclass(frozen=True, slots=True)
class OrderFunnel:
    pass


@dataclass(frozen=True, slots=True)
class StockMovements:
    sku: str | None = None


def register(queries: QueryBus, database: Database) -> None:
    @queries.handler
    async def revenue_by_product(query: RevenueByProduct, context: MessageContext) -> list[dict[str, Any]]:
        sql = (
            "SELECT sku, currency, SUM(units), SUM(revenue) FROM analytics_sales GROUP BY sku, currency"
            " ORDER BY SUM(revenue) DESC, sku"
        )
        rows = await database.read(lambda tx: tx.execute(sql).fetchall())
        return [{"sku": sku, "currency": cur, "units": units, "revenue": revenue} for sku, cur, units, revenue in rows]

    @queries.handler
    async def revenue_by_day(query: RevenueByDay, context: MessageContext) -> list[dict[str, Any]]:
        bounds = [("day >= ?", query.since), ("day <= ?", query.until)]
        where = " AND ".join(condition for condition, value in bounds if value is not None) or "1 = 1"
        params = tuple(value for _, value in bounds if value is not None)

        def read(tx: Transaction) -> list[dict[str, Any]]:
            sales = tx.execute(
                f"SELECT day, currency, SUM(units), SUM(revenue) FROM analytics_sales WHERE {where}"
                " GROUP BY day, currency ORDER BY day, currency",
                params,
            ).fetchall()
            orders = tx.execute(
                f"SELECT day, currency, COUNT(*) FROM analytics_payments WHERE refunded = 0 AND {where}"
                " GROUP BY day, currency",
                params,
            ).fetchall()
            counts = {(day, currency): count for day, currency, count in orders}
            return [
                {"day": day, "currency": cur, "orders": counts.get((day, cur), 0), "units": units, "revenue": revenue}
                for day, cur, units, revenue in sales
            ]

        return await database.read(read)

    @queries.handler
    async def cart_outcomes(query: CartOutcomes, context: MessageContext) -> dict[str, Any]:
        sql = "SELECT status, COUNT(*) FROM analytics_carts GROUP BY status"
        counts = dict(await database.read(lambda tx: tx.execute(sql).fetchall()))
        opened = sum(counts.values())
        checked_out = counts.get("checked-out", 0)
        return {
            "opened": opened,
            "checked_out": checked_out,
            "abandoned": counts.get("abandoned", 0),
            "open": counts.get("open", 0),
            "checkout_rate": round(checked_out / opened, 4) if opened else None,
        }

    @queries.handler
    async def order_funnel(query: OrderFunnel, context: MessageContext) -> dict[str, int]:
        sql = (
            "SELECT COUNT(*), SUM(placed), SUM(confirmed), SUM(rejected), SUM(paid), SUM(shipped), SUM(cancelled)"
            " FROM analytics_orders"
        )
        row = await database.read(lambda tx: tx.execute(sql).fetchone())
        orders, *stages = (int(value or 0) for value in row)
        names = ("placed", "confirmed", "rejected", "paid", "shipped", "cancelled")
        return {"orders": orders, **dict(zip(names, stages, strict=True))}

    @queries.handler
    async def stock_movements(query: StockMovements, context: MessageContext) -> list[dict[str, Any]]:
        where, params = ("WHERE sku = ?", (query.sku,)) if query.sku else ("", ())
        sql = f"SELECT sku, received, reserved, released, shipped FROM analytics_stock {where} ORDER BY sku"
        rows = await database.read(lambda tx: tx.execute(sql, params).fetchall())
        return [
            {"sku": sku, "received": received, "reserved": reserved, "released": released, "shipped": shipped}
            for sku, received, reserved, released, shipped in rows
        ]
