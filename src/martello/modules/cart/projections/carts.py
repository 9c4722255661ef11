"""The carts read model: every cart with its status and lines, for the owner to look at.

Open carts' lines hold quantities only (their prices are the price list's, at query time);
checked-out carts' lines keep the name and price they were bought at.
"""

from __future__ import annotations

from enum import StrEnum

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.projection import Projection, on
from martello.modules.cart.domain.events import (
    CartAbandoned,
    CartCheckedOut,
    CartOpened,
    ItemAdded,
    ItemQuantityChanged,
    ItemRemoved,
)


class CartStatus(StrEnum):
    """Where a cart is in its life (the `Cart` aggregate keeps only the open one: its rules need no more)."""

    OPEN = "open"
    CHECKED_OUT = "checked-out"
    ABANDONED = "abandoned"


class CartsProjection(Projection):
    name = "cart.carts"
    tables = ("cart_carts", "cart_lines")
    schema = (
        """CREATE TABLE IF NOT EXISTS cart_carts (
            cart_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            status TEXT NOT NULL,
            version INTEGER NOT NULL,
            opened_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            total_amount INTEGER,
            currency TEXT
        )""",
        """CREATE TABLE IF NOT EXISTS cart_lines (
            cart_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            added_at BIGINT NOT NULL,
            name TEXT,
            price_amount INTEGER,
            currency TEXT,
            PRIMARY KEY (cart_id, sku)
        )""",
        "CREATE INDEX IF NOT EXISTS cart_carts_by_user ON cart_carts (user_id, status)",
    )

    def _touch(self, tx: Transaction, e: Envelope[Event], cart_id: str, status: CartStatus = CartStatus.OPEN) -> None:
        tx.execute(
            "UPDATE cart_carts SET status = ?, version = ?, updated_at = ? WHERE cart_id = ?",
            (status, e.stream_version, e.timestamp.isoformat(), cart_id),
        )

    @on(CartOpened)
    def _opened(self, tx: Transaction, e: Envelope[CartOpened]) -> None:
        stamp = e.timestamp.isoformat()
        tx.execute(
            "INSERT INTO cart_carts (cart_id, user_id, status, version, opened_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (e.event.cart_id, e.event.user_id, CartStatus.OPEN, e.stream_version, stamp, stamp),
        )

    @on(ItemAdded)
    def _item_added(self, tx: Transaction, e: Envelope[ItemAdded]) -> None:
        tx.execute(
            "INSERT INTO cart_lines (cart_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)",
            (e.event.cart_id, e.event.sku, e.event.quantity, e.position),
        )
        self._touch(tx, e, e.event.cart_id)

    @on(ItemQuantityChanged)
    def _quantity_changed(self, tx: Transaction, e: Envelope[ItemQuantityChanged]) -> None:
        tx.execute(
            "UPDATE cart_lines SET quantity = ? WHERE cart_id = ? AND sku = ?",
            (e.event.quantity, e.event.cart_id, e.event.sku),
        )
        self._touch(tx, e, e.event.cart_id)

    @on(ItemRemoved)
    def _item_removed(self, tx: Transaction, e: Envelope[ItemRemoved]) -> None:
        tx.execute("DELETE FROM cart_lines WHERE cart_id = ? AND sku = ?", (e.event.cart_id, e.event.sku))
        self._touch(tx, e, e.event.cart_id)

    @on(CartCheckedOut)
    def _checked_out(self, tx: Transaction, e: Envelope[CartCheckedOut]) -> None:
        done = e.event
        tx.executemany(
            "UPDATE cart_lines SET name = ?, price_amount = ?, currency = ? WHERE cart_id = ? AND sku = ?",
            [(line["name"], line["price_amount"], line["currency"], done.cart_id, line["sku"]) for line in done.lines],
        )
        tx.execute(
            "UPDATE cart_carts SET total_amount = ?, currency = ? WHERE cart_id = ?",
            (done.total_amount, done.currency, done.cart_id),
        )
        self._touch(tx, e, done.cart_id, CartStatus.CHECKED_OUT)

    @on(CartAbandoned)
    def _abandoned(self, tx: Transaction, e: Envelope[CartAbandoned]) -> None:
        self._touch(tx, e, e.event.cart_id, CartStatus.ABANDONED)
