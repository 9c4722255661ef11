"""Carts by outcome: checked out, abandoned, or still open.

- checked out: the cart's owner checked it out (terminal);
- abandoned: the cart says so (`CartAbandoned`: emptied or dropped without checking out);
- open: opened and neither checked out nor abandoned yet. Filling an abandoned cart again reopens it.
"""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on
from martello.modules.cart.contracts import CartAbandoned, CartCheckedOut, CartOpened

UPSERT = (
    "INSERT INTO analytics_carts (cart_id, user_id, status, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (cart_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at"
    " WHERE analytics_carts.status <> 'checked-out'"
)


class CartsProjection(Projection):
    name = "analytics.carts"
    tables = ("analytics_carts",)
    schema = (
        """CREATE TABLE IF NOT EXISTS analytics_carts (
            cart_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    )

    def _set(self, tx: Transaction, e: Envelope[CartOpened | CartCheckedOut | CartAbandoned], status: str) -> None:
        tx.execute(UPSERT, (e.event.cart_id, e.event.user_id, status, e.timestamp.isoformat()))

    @on(CartOpened)
    def _opened(self, tx: Transaction, e: Envelope[CartOpened]) -> None:
        self._set(tx, e, "open")

    @on(CartCheckedOut)
    def _checked_out(self, tx: Transaction, e: Envelope[CartCheckedOut]) -> None:
        self._set(tx, e, "checked-out")

    @on(CartAbandoned)
    def _abandoned(self, tx: Transaction, e: Envelope[CartAbandoned]) -> None:
        self._set(tx, e, "abandoned")
