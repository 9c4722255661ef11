"""Request and response bodies of the catalog API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from martello.kernel.limits import (
    MAX_CURRENCY_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PRICE_AMOUNT,
    MAX_REASON_LENGTH,
    MAX_SKU_LENGTH,
)
from martello.web.commands import Expecting, Strict


class MoneyIn(Strict):
    amount: int = Field(
        ge=1, le=MAX_PRICE_AMOUNT, description="Minor units of the currency (cents): 1999 is 19.99; 1 to 10^9"
    )
    currency: str = Field(default="EUR", min_length=3, max_length=MAX_CURRENCY_LENGTH, description="ISO 4217 code")


class MoneyOut(BaseModel):
    amount: int
    currency: str


class CreateCatalogIn(Strict):
    name: str = Field(max_length=MAX_NAME_LENGTH, description="One line, no control or bidi-override characters")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)


class RejectCatalogIn(Expecting):
    reason: str = Field(max_length=MAX_REASON_LENGTH)


class AddProductIn(Expecting):
    sku: str = Field(max_length=MAX_SKU_LENGTH, description="Letters, digits, '.', '_' or '-'")
    name: str = Field(max_length=MAX_NAME_LENGTH, description="One line, no control or bidi-override characters")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    price: MoneyIn
    release_date: str | None = Field(default=None, max_length=10, description="ISO date (YYYY-MM-DD)")
    expiration_date: str | None = Field(default=None, max_length=10, description="ISO date (YYYY-MM-DD)")


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
