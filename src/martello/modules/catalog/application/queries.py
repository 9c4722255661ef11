"""Queries: answered from the catalog's read models. Time travel (`as_of_version` / `as_of`) asks the same
query of the catalogs read model replayed from the catalog's events up to that point (`kernel/time_travel.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.paging import select_page
from martello.kernel.repository import Repository
from martello.kernel.time_travel import NOW, PointInTime, TimeTravel
from martello.modules.catalog.domain.catalog import Catalog, Status


@dataclass(frozen=True, slots=True)
class ListCatalogs:
    status: str | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class GetCatalog:
    catalog_id: str
    at: PointInTime = NOW


@dataclass(frozen=True, slots=True)
class GetCatalogHistory:
    catalog_id: str


@dataclass(frozen=True, slots=True)
class ListActiveProducts:
    limit: int = 100
    offset: int = 0


def _product(row: Any) -> dict[str, Any]:
    catalog_id, sku, name, description, amount, currency, release, expiration = row
    return {
        "catalog_id": catalog_id,
        "sku": sku,
        "name": name,
        "description": description,
        "price": {"amount": amount, "currency": currency},
        "release_date": release,
        "expiration_date": expiration,
    }


PRODUCT_COLUMNS = (
    "p.catalog_id, p.sku, p.name, p.description, p.price_amount, p.currency, p.release_date, p.expiration_date"
)
CATALOG_COLUMNS = "id, name, description, status, version, created_at, updated_at"


def _catalog(row: Any, products: list[dict[str, Any]]) -> dict[str, Any]:
    id_, name, description, status, version, created, updated = row
    return {
        "id": id_,
        "name": name,
        "description": description,
        "status": status,
        "version": version,
        "created_at": created,
        "updated_at": updated,
        "products": products,
    }


def catalog_view(tx: Transaction, catalog_id: str) -> dict[str, Any] | None:
    """One catalog with its products, from the catalogs read model (the live one, or one replayed to a point
    in the catalog's history); None if it does not exist there."""
    row = tx.execute(f"SELECT {CATALOG_COLUMNS} FROM catalog_catalogs WHERE id = ?", (catalog_id,)).fetchone()
    if row is None:
        return None
    products = tx.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM catalog_products p WHERE p.catalog_id = ? ORDER BY p.sku", (catalog_id,)
    ).fetchall()
    return _catalog(row, [_product(p) for p in products])


def register(queries: QueryBus, database: Database, catalogs: Repository[Catalog], past: TimeTravel) -> None:
    @queries.handler
    async def list_catalogs(query: ListCatalogs, context: MessageContext) -> list[dict[str, Any]]:
        def read(tx: Transaction) -> list[dict[str, Any]]:
            select, status = f"SELECT {CATALOG_COLUMNS} FROM catalog_catalogs", query.status or None
            rows = select_page(tx, select, {"status": status}, "id", query.limit, query.offset)
            return [_catalog(row, []) | {"products": None} for row in rows]

        return await database.read(read)

    @queries.handler
    async def get_catalog(query: GetCatalog, context: MessageContext) -> dict[str, Any]:
        read = partial(catalog_view, catalog_id=query.catalog_id)
        absent = NotFound(f"catalog {query.catalog_id} does not exist{query.at.said}", id=query.catalog_id)
        view = await past.now_or_then(database, Catalog.stream_id_for(query.catalog_id), read, query.at, absent)
        if view is None:
            raise absent
        return view

    @queries.handler
    async def catalog_history(query: GetCatalogHistory, context: MessageContext) -> list[Envelope[Event]]:
        return await catalogs.store.read_stream(Catalog.stream_id_for(query.catalog_id))

    @queries.handler
    async def list_active_products(query: ListActiveProducts, context: MessageContext) -> list[dict[str, Any]]:
        sql = (
            f"SELECT {PRODUCT_COLUMNS} FROM catalog_products p JOIN catalog_catalogs c ON c.id = p.catalog_id"
            " WHERE c.status = ? ORDER BY p.sku, p.catalog_id LIMIT ? OFFSET ?"
        )
        params = (Status.ACTIVE, query.limit, query.offset)
        rows = await database.read(lambda tx: tx.execute(sql, params).fetchall())
        return [_product(row) for row in rows]
