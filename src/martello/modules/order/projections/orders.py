"""The orders read model: every order with its status and lines, for a customer's list and lookups."""

from __future__ import annotations

import json

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.projection import Projection, on
from martello.modules.order.domain.events import (
    OrderPaid,
    OrderPlaced,
    OrderRejected,
)
from martello.modules.order.domain.order import STATUS_AFTER, Status, StatusChange


class OrdersProjection(Projection):
    name = "order.orders"
    tables = ("order_orders", "order_lines")
    schema = (
        """CREATE TABLE IF NOT EXISTS order_orders (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            cart_id TEXT NOT NULL,
            status TEXT NOT NULL,
            total_amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            reason TEXT NOT NULL,
            short_skus TEXT NOT NULL,
            paid_at TEXT,
            version INTEGER NOT NULL,
            placed_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS order_lines (
            order_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            price_amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (order_id, sku)
        )""",
        "CREATE INDEX IF NOT EXISTS order_orders_by_user ON order_orders (user_id, id)",
        "CREATE INDEX IF NOT EXISTS order_orders_by_cart ON order_orders (cart_id)",
    )

    @on(OrderPlaced)
    def _placed(self, tx: Transaction, e: Envelope[OrderPlaced]) -> None:
        o, stamp = e.event, e.timestamp.isoformat()
        tx.execute(
            "INSERT INTO order_orders (id, user_id, cart_id, status, total_amount, currency, reason, short_skus,"
            " version, placed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', '[]', ?, ?, ?)",
            (
                o.order_id,
                o.user_id,
                o.cart_id,
                Status.PLACED,
                o.total_amount,
                o.currency,
                e.stream_version,
                stamp,
                stamp,
            ),
        )
        tx.executemany(
            "INSERT INTO order_lines (order_id, sku, name, quantity, price_amount, currency) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    o.order_id,
                    line["sku"],
                    line.get("name", ""),
                    line["quantity"],
                    line["price_amount"],
                    line["currency"],
                )
                for line in o.lines
            ],
        )

    def _status(self, tx: Transaction, e: Envelope[Event], order_id: str, status: Status) -> None:
        tx.execute(
            "UPDATE order_orders SET status = ?, version = ?, updated_at = ? WHERE id = ?",
            (status, e.stream_version, e.timestamp.isoformat(), order_id),
        )

    @on(*STATUS_AFTER)
    def _status_changed(self, tx: Transaction, e: Envelope[StatusChange]) -> None:
        self._status(tx, e, e.event.order_id, STATUS_AFTER[type(e.event)])

    @on(OrderRejected)
    def _rejected(self, tx: Transaction, e: Envelope[OrderRejected]) -> None:
        tx.execute(
            "UPDATE order_orders SET reason = ?, short_skus = ? WHERE id = ?",
            (e.event.reason, json.dumps(list(e.event.short_skus)), e.event.order_id),
        )
        self._status(tx, e, e.event.order_id, Status.REJECTED)

    @on(OrderPaid)
    def _paid(self, tx: Transaction, e: Envelope[OrderPaid]) -> None:
        tx.execute("UPDATE order_orders SET paid_at = ? WHERE id = ?", (e.event.paid_at, e.event.order_id))
        self._status(tx, e, e.event.order_id, Status.PAID)
