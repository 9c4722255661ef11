"""Response bodies of the cart API (request bodies are declared beside their routes)."""

from __future__ import annotations

from pydantic import BaseModel


class CartLineOut(BaseModel):
    sku: str
    name: str | None
    quantity: int
    price_amount: int | None
    """Open cart: the current price; closed cart: the price it was bought at."""
    currency: str | None
    sellable: bool | None
    """Open cart: can this line be bought now? (None for closed carts.)"""


class CartOut(BaseModel):
    cart_id: str | None
    """None when the user has no open cart: the next added product opens one."""
    user_id: str
    status: str
    """open, checked-out, abandoned, or none."""
    version: int
    """The version of the user's cart stream: pass it as `expected_version` to guard a command."""
    opened_at: str | None = None
    updated_at: str | None = None
    lines: list[CartLineOut]
    total_amount: int | None
    currency: str | None


class MoneyOut(BaseModel):
    amount: int
    currency: str


class ProductOnSaleOut(BaseModel):
    sku: str
    name: str
    price: MoneyOut
