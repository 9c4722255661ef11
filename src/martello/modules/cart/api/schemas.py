"""Request and response bodies of the cart API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from martello.web.commands import Expecting


class AddItemIn(Expecting):
    sku: str
    quantity: int = Field(default=1, description="1 to 999; added to what the cart already holds")


class ChangeQuantityIn(Expecting):
    quantity: int = Field(description="The new quantity: 1 to 999")


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
