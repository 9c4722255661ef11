"""Response bodies of the analytics API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProductRevenueOut(BaseModel):
    sku: str
    currency: str
    units: int = Field(description="Units sold, net of cancelled paid orders")
    revenue: int = Field(description="Minor units of the currency, net of cancelled paid orders")


class DailyRevenueOut(BaseModel):
    day: str = Field(description="UTC date of the payments (YYYY-MM-DD)")
    currency: str
    orders: int = Field(description="Paid orders not cancelled since")
    units: int
    revenue: int


class CartOutcomesOut(BaseModel):
    opened: int = Field(description="Every cart seen")
    checked_out: int
    abandoned: int = Field(description="Carts emptied or dropped without checking out")
    open: int = Field(description="Carts neither checked out nor abandoned yet")
    checkout_rate: float | None = Field(description="checked_out / opened")


class FunnelOut(BaseModel):
    orders: int
    placed: int
    confirmed: int
    rejected: int
    paid: int
    shipped: int
    cancelled: int


class StockMovementOut(BaseModel):
    sku: str
    received: int
    reserved: int
    released: int
    shipped: int
