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

STAGES = ("placed", "confirmed", "rejected", "paid", "shipped", "cancelled")


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

    def _reached(self, tx: Transaction, order_id: str, stage: str) -> None:
        assert stage in STAGES
        tx.execute(
            f"INSERT INTO analytics_orders (order_id, {stage}) VALUES (?, 1)"
            f" ON CONFLICT (order_id) DO UPDATE SET {stage} = 1",
            (order_id,),
        )

    @on(OrderPlaced)
    def _placed(self, tx: Transaction, e: Envelope[OrderPlaced]) -> None:
        self._reached(tx, e.event.order_id, "placed")

    @on(OrderConfirmed)
    def _confirmed(self, tx: Transaction, e: Envelope[OrderConfirmed]) -> None:
        self._reached(tx, e.event.order_id, "confirmed")

    @on(OrderRejected)
    def _rejected(self, tx: Transaction, e: Envelope[OrderRejected]) -> None:
        self._reached(tx, e.event.order_id, "rejected")

    @on(OrderPaid)
    def _paid(self, tx: Transaction, e: Envelope[OrderPaid]) -> None:
        self._reached(tx, e.event.order_id, "paid")

    @on(OrderShipped)
    def _shipped(self, tx: Transaction, e: Envelope[OrderShipped]) -> None:
        self._reached(tx, e.event.order_id, "shipped")

    @on(OrderCancelled)
    def _cancelled(self, tx: Transaction, e: Envelope[OrderCancelled]) -> None:
        self._reached(tx, e.event.order_id, "cancelled")
