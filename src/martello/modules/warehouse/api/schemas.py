"""Request and response bodies of the warehouse API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from martello.kernel.limits import MAX_STOCK_RECEIPT
from martello.web.commands import Strict


class ReceiveStockIn(Strict):
    quantity: int = Field(ge=1, le=MAX_STOCK_RECEIPT, description="Units received: 1 to 1,000,000")


class StockOut(BaseModel):
    sku: str
    on_hand: int
    """Units in the building."""
    reserved: int
    """Units of those set aside for orders."""
    available: int
    """on_hand - reserved: what new orders can reserve."""
    updated_at: str | None = None
    """When the SKU's stock last changed (None in a view as of the past: the warehouse's state knows no times)."""
