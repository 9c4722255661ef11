"""Response bodies of the warehouse API (request bodies are declared beside their routes)."""

from __future__ import annotations

from pydantic import BaseModel


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
