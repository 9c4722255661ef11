"""The catalogs read model: every catalog with its status and products, for listing and lookup."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.projection import Projection, on
from martello.modules.catalog.domain.catalog import STATUS_AFTER, LifecycleEvent, Status
from martello.modules.catalog.domain.events import (
    CatalogCreated,
    CatalogRenamed,
    ProductAdded,
    ProductRemoved,
    ProductRepriced,
)


class CatalogsProjection(Projection):
    name = "catalog.catalogs"
    tables = ("catalog_catalogs", "catalog_products")
    schema = (
        """CREATE TABLE IF NOT EXISTS catalog_catalogs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            status TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS catalog_products (
            catalog_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            price_amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            release_date TEXT,
            expiration_date TEXT,
            PRIMARY KEY (catalog_id, sku)
        )""",
        "CREATE INDEX IF NOT EXISTS catalog_catalogs_by_status ON catalog_catalogs (status)",
    )

    @on(CatalogCreated)
    def _created(self, tx: Transaction, e: Envelope[CatalogCreated]) -> None:
        stamp = e.timestamp.isoformat()
        tx.execute(
            "INSERT INTO catalog_catalogs (id, name, description, status, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.event.catalog_id, e.event.name, e.event.description, Status.INITIALIZED, e.stream_version, stamp, stamp),
        )

    @on(CatalogRenamed)
    def _renamed(self, tx: Transaction, e: Envelope[CatalogRenamed]) -> None:
        tx.execute(
            "UPDATE catalog_catalogs SET name = ?, version = ?, updated_at = ? WHERE id = ?",
            (e.event.name, e.stream_version, e.timestamp.isoformat(), e.event.catalog_id),
        )

    @on(*STATUS_AFTER)
    def _status_changed(self, tx: Transaction, e: Envelope[LifecycleEvent]) -> None:
        tx.execute(
            "UPDATE catalog_catalogs SET status = ?, version = ?, updated_at = ? WHERE id = ?",
            (STATUS_AFTER[type(e.event)], e.stream_version, e.timestamp.isoformat(), e.event.catalog_id),
        )

    def _touch(self, tx: Transaction, e: Envelope[Event], catalog_id: str) -> None:
        tx.execute(
            "UPDATE catalog_catalogs SET version = ?, updated_at = ? WHERE id = ?",
            (e.stream_version, e.timestamp.isoformat(), catalog_id),
        )

    @on(ProductAdded)
    def _product_added(self, tx: Transaction, e: Envelope[ProductAdded]) -> None:
        p = e.event
        tx.execute(
            "INSERT INTO catalog_products (catalog_id, sku, name, description, price_amount, currency,"
            " release_date, expiration_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (p.catalog_id, p.sku, p.name, p.description, p.price_amount, p.currency, p.release_date, p.expiration_date),
        )
        self._touch(tx, e, p.catalog_id)

    @on(ProductRepriced)
    def _product_repriced(self, tx: Transaction, e: Envelope[ProductRepriced]) -> None:
        p = e.event
        tx.execute(
            "UPDATE catalog_products SET price_amount = ?, currency = ? WHERE catalog_id = ? AND sku = ?",
            (p.price_amount, p.currency, p.catalog_id, p.sku),
        )
        self._touch(tx, e, p.catalog_id)

    @on(ProductRemoved)
    def _product_removed(self, tx: Transaction, e: Envelope[ProductRemoved]) -> None:
        tx.execute("DELETE FROM catalog_products WHERE catalog_id = ? AND sku = ?", (e.event.catalog_id, e.event.sku))
        self._touch(tx, e, e.event.catalog_id)
