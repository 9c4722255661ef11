"""Queries: answered from the orders read model; history from an order's event stream. Time travel
(`as_of_version` / `as_of`) asks the same query of the orders read model replayed from the order's events up to
that point (`kernel/time_travel.py`).

A customer sees only their own orders, and their history; an administrator sees all. Someone else's order
is answered exactly like a missing one (404), so order ids reveal nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event
from martello.kernel.paging import select_page
from martello.kernel.repository import Repository
from martello.kernel.time_travel import NOW, PointInTime, TimeTravel
from martello.modules.order.application.handlers import may_see
from martello.modules.order.domain.errors import UnknownOrder
from martello.modules.order.domain.order import Order


@dataclass(frozen=True, slots=True)
class ListOrders:
    status: str | None = None
    cart_id: str | None = None
    user_id: str | None = None
    """Administrators may filter by customer; a customer always gets their own orders."""
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class GetOrder:
    order_id: str
    at: PointInTime = NOW


@dataclass(frozen=True, slots=True)
class GetOrderHistory:
    """The order's events with their envelopes, oldest first."""

    order_id: str


ORDER_COLUMNS = (
    "id, user_id, cart_id, status, total_amount, currency, reason, short_skus, paid_at, version, placed_at, updated_at"
)
LINE_COLUMNS = "order_id, sku, name, quantity, price_amount, currency"


def _line(sku: str, name: str, quantity: int, amount: int, currency: str) -> dict[str, Any]:
    return {"sku": sku, "name": name, "quantity": quantity, "price": {"amount": amount, "currency": currency}}


def _order(row: Any, lines: list[dict[str, Any]]) -> dict[str, Any]:
    id_, user_id, cart_id, status, total, currency, reason, short_skus, paid_at, version, placed, updated = row
    return {
        "id": id_,
        "user_id": user_id,
        "cart_id": cart_id,
        "status": status,
        "lines": lines,
        "total": {"amount": total, "currency": currency},
        "reason": reason or None,
        "short_skus": json.loads(short_skus),
        "paid_at": paid_at,
        "version": version,
        "placed_at": placed,
        "updated_at": updated,
    }


def _lines_of(tx: Transaction, order_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    lines: dict[str, list[dict[str, Any]]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return lines
    marks = ", ".join("?" * len(order_ids))
    rows = tx.execute(
        f"SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id IN ({marks}) ORDER BY order_id, sku", order_ids
    ).fetchall()
    for order_id, *line in rows:
        lines[order_id].append(_line(*line))
    return lines


def order_view(tx: Transaction, order_id: str) -> dict[str, Any] | None:
    """One order with its lines, from the orders read model (the live one, or one replayed to a point in the
    order's history); None if it is not there."""
    row = tx.execute(f"SELECT {ORDER_COLUMNS} FROM order_orders WHERE id = ?", (order_id,)).fetchone()
    return None if row is None else _order(row, _lines_of(tx, [order_id])[order_id])


def register(queries: QueryBus, database: Database, orders: Repository[Order], past: TimeTravel) -> None:
    @queries.handler
    async def list_orders(query: ListOrders, context: MessageContext) -> list[dict[str, Any]]:
        if not context.is_admin and context.actor is None:
            return []
        user_id = query.user_id if context.is_admin else context.actor
        filters = {"user_id": user_id, "status": query.status, "cart_id": query.cart_id}

        def read(tx: Transaction) -> list[dict[str, Any]]:
            select = f"SELECT {ORDER_COLUMNS} FROM order_orders"
            rows = select_page(tx, select, filters, "id", query.limit, query.offset)
            lines = _lines_of(tx, [row[0] for row in rows])
            return [_order(row, lines[row[0]]) for row in rows]

        return await database.read(read)

    @queries.handler
    async def get_order(query: GetOrder, context: MessageContext) -> dict[str, Any]:
        read = partial(order_view, order_id=query.order_id)
        stream_id, absent = Order.stream_id_for(query.order_id), UnknownOrder(query.order_id)
        view = await past.now_or_then(database, stream_id, read, query.at, absent)
        if view is None or not (context.is_admin or view["user_id"] == context.actor):
            raise UnknownOrder(query.order_id)
        return view

    @queries.handler
    async def get_order_history(query: GetOrderHistory, context: MessageContext) -> list[Envelope[Event]]:
        envelopes = await orders.store.read_stream(Order.stream_id_for(query.order_id))
        order = Order.replay(query.order_id, (envelope.event for envelope in envelopes))
        if not envelopes or not may_see(order, context):
            raise UnknownOrder(query.order_id)
        return envelopes
