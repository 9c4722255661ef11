"""Response bodies of the catalog API (request bodies are declared beside their routes)."""

from __future__ import annotations

from pydantic import BaseModel


class MoneyOut(BaseModel):
    amount: int
    currency: str


class ProductOut(BaseModel):
    catalog_id: str
    sku: str
    name: str
    description: str
    price: MoneyOut
    release_date: str | None
    expiration_date: str | None


class CatalogOut(BaseModel):
    id: str
    name: str
    description: str
    status: str
    version: int
    created_at: str | None = None
    updated_at: str | None = None
    products: list[ProductOut] | None = None
