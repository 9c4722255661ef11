"""Queries: answered from the catalog's read models, or (time travel) from its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.repository import Repository
from martello.modules.catalog.domain.catalog import Catalog


@dataclass(frozen=True, slots=True)
class ListCatalogs:
    status: str | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class GetCatalog:
    catalog_id: str
    as_of_version: int | None = None
    as_of: datetime | None = None


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


def catalog_as_of(catalog: Catalog) -> dict[str, Any]:
    """The same view as the read model's, built from an aggregate folded to a point in its history."""
    products = [
        _product(
            (catalog.id, p.sku, p.name, p.description, p.price_amount, p.currency, p.release_date, p.expiration_date)
        )
        for p in sorted(catalog.products.values(), key=lambda p: p.sku)
    ]
    view = _catalog(
        (catalog.id, catalog.name, catalog.description, catalog.status.value, catalog.version, None, None), products
    )
    del view["created_at"], view["updated_at"]
    return view


def register(queries: QueryBus, database: Database, catalogs: Repository[Catalog]) -> None:
    @queries.handler
    async def list_catalogs(query: ListCatalogs, context: MessageContext) -> list[dict[str, Any]]:
        def read(tx: Transaction) -> list[dict[str, Any]]:
            where, params = ("WHERE status = ?", [query.status]) if query.status else ("", [])
            rows = tx.execute(
                f"SELECT {CATALOG_COLUMNS} FROM catalog_catalogs {where} ORDER BY id LIMIT ? OFFSET ?",
                (*params, query.limit, query.offset),
            ).fetchall()
            return [_catalog(row, []) | {"products": None} for row in rows]

        return await database.read(read)

    @queries.handler
    async def get_catalog(query: GetCatalog, context: MessageContext) -> dict[str, Any]:
        if query.as_of_version is not None or query.as_of is not None:
            catalog = await catalogs.load(query.catalog_id, as_of_version=query.as_of_version, as_of=query.as_of)
            return catalog_as_of(catalog)

        def read(tx: Transaction) -> dict[str, Any] | None:
            row = tx.execute(
                f"SELECT {CATALOG_COLUMNS} FROM catalog_catalogs WHERE id = ?", (query.catalog_id,)
            ).fetchone()
            if row is None:
                return None
            products = tx.execute(
                f"SELECT {PRODUCT_COLUMNS} FROM catalog_products p WHERE p.catalog_id = ? ORDER BY p.sku",
                (query.catalog_id,),
            ).fetchall()
            return _catalog(row, [_product(p) for p in products])

        view = await database.read(read)
        if view is None:
            raise NotFound(f"catalog {query.catalog_id} does not exist", id=query.catalog_id)
        return view

    @queries.handler
    async def catalog_history(query: GetCatalogHistory, context: MessageContext) -> list[Envelope[Event]]:
        return await catalogs.store.read_stream(Catalog.stream_id_for(query.catalog_id))

    @queries.handler
    async def list_active_products(query: ListActiveProducts, context: MessageContext) -> list[dict[str, Any]]:
        sql = (
            f"SELECT {PRODUCT_COLUMNS} FROM catalog_products p JOIN catalog_catalogs c ON c.id = p.catalog_id"
            " WHERE c.status = 'active' ORDER BY p.sku, p.catalog_id LIMIT ? OFFSET ?"
        )
        rows = await database.read(lambda tx: tx.execute(sql, (query.limit, query.offset)).fetchall())
        return [_product(row) for row in rows]
