"""Response bodies of the order API (its commands take only an optional `expected_version`)."""

from __future__ import annotations

from pydantic import BaseModel


class MoneyOut(BaseModel):
    amount: int
    currency: str


class OrderLineOut(BaseModel):
    sku: str
    name: str
    quantity: int
    price: MoneyOut


class OrderOut(BaseModel):
    id: str
    user_id: str
    cart_id: str
    status: str
    """placed, confirmed, rejected, paid, shipped, cancelling or cancelled."""
    lines: list[OrderLineOut]
    total: MoneyOut
    reason: str | None = None
    """Why the order was rejected (names the short SKUs)."""
    short_skus: list[str] = []
    paid_at: str | None = None
    version: int
    placed_at: str | None = None
    updated_at: str | None = None
