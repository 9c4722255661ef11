"""Queries: answered from the orders read model, or (time travel, history) from an order's event stream.

A customer sees only their own orders, and their history; an administrator sees all. Someone else's order
is answered exactly like a missing one (404), so order ids reveal nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event
from martello.kernel.repository import Repository
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
    as_of_version: int | None = None
    as_of: datetime | None = None


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


def order_as_of(order: Order, placed_at: datetime, updated_at: datetime) -> dict[str, Any]:
    """The same view as the read model's, from an order folded to a point in its history. The aggregate
    knows no times (its rules need none): they are its first and last event's timestamps."""
    lines = [_line(line.sku, line.name, line.quantity, line.price_amount, line.currency) for line in order.lines]
    row = (
        order.id,
        order.user_id,
        order.cart_id,
        order.status.value,
        order.total_amount,
        order.currency,
        order.reason,
        json.dumps(list(order.short_skus)),
        order.paid_at,
        order.version,
        placed_at.isoformat(),
        updated_at.isoformat(),
    )
    return _order(row, sorted(lines, key=lambda line: line["sku"]))


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


def register(queries: QueryBus, database: Database, orders: Repository[Order]) -> None:
    @queries.handler
    async def list_orders(query: ListOrders, context: MessageContext) -> list[dict[str, Any]]:
        if not context.is_admin and context.actor is None:
            return []
        user_id = query.user_id if context.is_admin else context.actor
        filters = {"user_id": user_id, "status": query.status, "cart_id": query.cart_id}
        where = [f"{column} = ?" for column, value in filters.items() if value is not None]
        params: list[Any] = [value for value in filters.values() if value is not None]
        clause = f"WHERE {' AND '.join(where)}" if where else ""

        def read(tx: Transaction) -> list[dict[str, Any]]:
            rows = tx.execute(
                f"SELECT {ORDER_COLUMNS} FROM order_orders {clause} ORDER BY id LIMIT ? OFFSET ?",
                (*params, query.limit, query.offset),
            ).fetchall()
            lines = _lines_of(tx, [row[0] for row in rows])
            return [_order(row, lines[row[0]]) for row in rows]

        return await database.read(read)

    @queries.handler
    async def get_order(query: GetOrder, context: MessageContext) -> dict[str, Any]:
        if query.as_of_version is not None or query.as_of is not None:
            stream_id = Order.stream_id_for(query.order_id)
            envelopes = await orders.store.read_stream(stream_id, to_version=query.as_of_version, until=query.as_of)
            order = Order.replay(query.order_id, (envelope.event for envelope in envelopes))
            if not envelopes or not may_see(order, context):
                raise UnknownOrder(query.order_id)
            return order_as_of(order, envelopes[0].timestamp, envelopes[-1].timestamp)

        def read(tx: Transaction) -> dict[str, Any] | None:
            row = tx.execute(f"SELECT {ORDER_COLUMNS} FROM order_orders WHERE id = ?", (query.order_id,)).fetchone()
            if row is None:
                return None
            return _order(row, _lines_of(tx, [query.order_id])[query.order_id])

        view = await database.read(read)
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
