"""The order funnel: for every order, which stages it reached (placed, confirmed or rejected, paid,
shipped or cancelled). Counting the orders that reached each stage gives the funnel."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on
from martello.modules.order.contracts import (
    OrderCancelled,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
)

OrderStep = OrderPlaced | OrderConfirmed | OrderRejected | OrderPaid | OrderShipped | OrderCancelled
STAGE_REACHED: dict[type[OrderStep], str] = {
    OrderPlaced: "placed",
    OrderConfirmed: "confirmed",
    OrderRejected: "rejected",
    OrderPaid: "paid",
    OrderShipped: "shipped",
    OrderCancelled: "cancelled",
}
"""The stage (a column of `analytics_orders`) each order event marks as reached."""


class FunnelProjection(Projection):
    name = "analytics.funnel"
    tables = ("analytics_orders",)
    schema = (
        """CREATE TABLE IF NOT EXISTS analytics_orders (
            order_id TEXT PRIMARY KEY,
            placed INTEGER NOT NULL DEFAULT 0,
            confirmed INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            paid INTEGER NOT NULL DEFAULT 0,
            shipped INTEGER NOT NULL DEFAULT 0,
            cancelled INTEGER NOT NULL DEFAULT 0
        )""",
    )

    @on(*STAGE_REACHED)
    def _reached(self, tx: Transaction, e: Envelope[OrderStep]) -> None:
        stage = STAGE_REACHED[type(e.event)]
        tx.execute(
            f"INSERT INTO analytics_orders (order_id, {stage}) VALUES (?, 1)"
            f" ON CONFLICT (order_id) DO UPDATE SET {stage} = 1",
            (e.event.order_id,),
        )
