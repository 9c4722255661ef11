"""Revenue and units sold, by product and by day, from paid orders.

A day is the UTC date of the payment. A paid order cancelled later is refunded (payments are simulated):
its lines are taken back out of the day and products it was paid on, so the figures are net.
"""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on
from martello.modules.order.contracts import Line, OrderCancelled, OrderPaid


class SalesProjection(Projection):
    name = "analytics.sales"
    tables = ("analytics_sales", "analytics_payments")
    schema = (
        """CREATE TABLE IF NOT EXISTS analytics_sales (
            day TEXT NOT NULL,
            sku TEXT NOT NULL,
            currency TEXT NOT NULL,
            units INTEGER NOT NULL,
            revenue INTEGER NOT NULL,
            PRIMARY KEY (day, sku, currency)
        )""",
        """CREATE TABLE IF NOT EXISTS analytics_payments (
            order_id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount INTEGER NOT NULL,
            refunded INTEGER NOT NULL
        )""",
    )

    @on(OrderPaid)
    def _paid(self, tx: Transaction, e: Envelope[OrderPaid]) -> None:
        paid = e.event
        day = (paid.paid_at or e.timestamp.isoformat())[:10]
        inserted = tx.execute(
            "INSERT INTO analytics_payments (order_id, day, currency, amount, refunded) VALUES (?, ?, ?, ?, 0)"
            " ON CONFLICT (order_id) DO NOTHING",
            (paid.order_id, day, paid.currency, paid.amount),
        )
        if inserted.rowcount == 1:
            self._book(tx, day, paid.lines, sign=1)

    @on(OrderCancelled)
    def _cancelled(self, tx: Transaction, e: Envelope[OrderCancelled]) -> None:
        row = tx.execute(
            "SELECT day FROM analytics_payments WHERE order_id = ? AND refunded = 0", (e.event.order_id,)
        ).fetchone()
        if row is not None:
            tx.execute("UPDATE analytics_payments SET refunded = 1 WHERE order_id = ?", (e.event.order_id,))
            self._book(tx, row[0], e.event.lines, sign=-1)

    def _book(self, tx: Transaction, day: str, lines: tuple[Line, ...], sign: int) -> None:
        tx.executemany(
            "INSERT INTO analytics_sales (day, sku, currency, units, revenue) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (day, sku, currency) DO UPDATE SET units = analytics_sales.units + excluded.units,"
            " revenue = analytics_sales.revenue + excluded.revenue",
            [
                (
                    day,
                    line["sku"],
                    line["currency"],
                    sign * line["quantity"],
                    sign * line["quantity"] * line["price_amount"],
                )
                for line in lines
            ],
        )
