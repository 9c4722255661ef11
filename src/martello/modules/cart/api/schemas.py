"""Request and response bodies of the cart API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from martello.kernel.limits import MAX_LINE_QUANTITY, MAX_SKU_LENGTH
from martello.web.commands import Expecting


class AddItemIn(Expecting):
    sku: str = Field(max_length=MAX_SKU_LENGTH)
    quantity: int = Field(
        default=1, ge=1, le=MAX_LINE_QUANTITY, description="1 to 999; added to what the cart already holds"
    )


class ChangeQuantityIn(Expecting):
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY, description="The new quantity: 1 to 999")


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
