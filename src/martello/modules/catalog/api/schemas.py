"""Request and response bodies of the catalog API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from martello.web.commands import Expecting, Strict


class MoneyIn(Strict):
    amount: int = Field(description="Minor units of the currency (cents): 1999 is 19.99")
    currency: str = Field(default="EUR", description="ISO 4217 code")


class MoneyOut(BaseModel):
    amount: int
    currency: str


class CreateCatalogIn(Strict):
    name: str
    description: str = ""


class RejectCatalogIn(Expecting):
    reason: str


class AddProductIn(Expecting):
    sku: str
    name: str
    description: str = ""
    price: MoneyIn
    release_date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD)")
    expiration_date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD)")


class RepriceProductIn(Expecting):
    price: MoneyIn


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
