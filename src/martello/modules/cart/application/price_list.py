"""The cart's price list: what the catalog made sellable, at what price, learned from its integration events.

It is the cart's own copy (the cart never reads the catalog's tables). Rows are keyed by catalog and SKU
and never deleted: a withdrawn product is marked so. Each row remembers the catalog version that last
changed it, so a late or redelivered older message cannot undo a newer one. If several active catalogs
sell one SKU, the cheapest offer on sale wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart.domain.values import Offer
from martello.modules.catalog.contracts import ProductBecameSellable, ProductWithdrawn, SellableProductRepriced

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cart_price_list (
        catalog_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        price_amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        release_date TEXT,
        expiration_date TEXT,
        sellable INTEGER NOT NULL,
        catalog_version INTEGER NOT NULL,
        PRIMARY KEY (catalog_id, sku)
    )""",
    "CREATE INDEX IF NOT EXISTS cart_price_list_by_sku ON cart_price_list (sku)",
)
ON_SALE = (
    "sellable = 1 AND (release_date IS NULL OR release_date <= ?) AND (expiration_date IS NULL OR expiration_date >= ?)"
)
COLUMNS = "sku, name, price_amount, currency, release_date, expiration_date"


def setup(tx: Transaction) -> None:
    for statement in SCHEMA:
        tx.execute(statement)


def learn(tx: Transaction, envelope: Envelope[Event]) -> None:
    """Apply one catalog message to the price list (inside the caller's transaction)."""
    version = envelope.stream_version
    match envelope.event:
        case ProductBecameSellable() as p:
            tx.execute(
                "INSERT INTO cart_price_list (catalog_id, sku, name, price_amount, currency, release_date,"
                " expiration_date, sellable, catalog_version) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)"
                " ON CONFLICT (catalog_id, sku) DO UPDATE SET name = excluded.name,"
                " price_amount = excluded.price_amount, currency = excluded.currency,"
                " release_date = excluded.release_date, expiration_date = excluded.expiration_date, sellable = 1,"
                " catalog_version = excluded.catalog_version"
                " WHERE cart_price_list.catalog_version <= excluded.catalog_version",
                (p.catalog_id, p.sku, p.name, p.price_amount, p.currency, p.release_date, p.expiration_date, version),
            )
        case SellableProductRepriced() as p:
            tx.execute(
                "UPDATE cart_price_list SET price_amount = ?, currency = ?, catalog_version = ?"
                " WHERE catalog_id = ? AND sku = ? AND catalog_version <= ?",
                (p.price_amount, p.currency, version, p.catalog_id, p.sku, version),
            )
        case ProductWithdrawn() as p:
            tx.execute(
                "UPDATE cart_price_list SET sellable = 0, catalog_version = ?"
                " WHERE catalog_id = ? AND sku = ? AND catalog_version <= ?",
                (version, p.catalog_id, p.sku, version),
            )


def _offer(row: Any) -> Offer:
    sku, name, amount, currency, release, expiration = row
    return Offer(
        sku,
        name,
        amount,
        currency,
        date.fromisoformat(release) if release else None,
        date.fromisoformat(expiration) if expiration else None,
    )


def offer_for(tx: Transaction, sku: str, today: date) -> Offer | None:
    """The offer a cart uses for `sku`: the cheapest on sale today, else any sellable one, else None."""
    day = today.isoformat()
    row = tx.execute(
        f"SELECT {COLUMNS} FROM cart_price_list WHERE sku = ? AND sellable = 1"
        f" ORDER BY CASE WHEN {ON_SALE} THEN 0 ELSE 1 END, price_amount, catalog_id LIMIT 1",
        (sku, day, day),
    ).fetchone()
    return _offer(row) if row else None


class PriceList:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def offer(self, sku: str, today: date) -> Offer | None:
        return await self.database.read(lambda tx: offer_for(tx, sku, today))

    async def offers(self, skus: Iterable[str], today: date) -> dict[str, Offer | None]:
        wanted = list(skus)
        return await self.database.read(lambda tx: {sku: offer_for(tx, sku, today) for sku in wanted})

    async def on_sale(self, today: date, limit: int, offset: int) -> list[Offer]:
        """Every SKU that can be added today, with the offer a cart would use."""
        day = today.isoformat()

        def read(tx: Transaction) -> list[Offer]:
            skus = tx.execute(
                f"SELECT DISTINCT sku FROM cart_price_list WHERE {ON_SALE} ORDER BY sku LIMIT ? OFFSET ?",
                (day, day, limit, offset),
            ).fetchall()
            offers = (offer_for(tx, sku, today) for (sku,) in skus)
            return [offer for offer in offers if offer is not None]

        return await self.database.read(read)
