"""Integration events the catalog publishes (versioned; consumers rely on their shape)."""

from __future__ import annotations

from martello.kernel.events import Event, event


@event("catalog.public.ProductBecameSellable", version=1)
class ProductBecameSellable(Event):
    """A product of an active catalog can now be sold, at this price, between these dates."""

    catalog_id: str
    sku: str
    name: str
    price_amount: int
    """Price in minor units of `currency` (cents for EUR)."""
    currency: str
    release_date: str | None
    """ISO date from which it may be sold, if any."""
    expiration_date: str | None
    """ISO date after which it may no longer be sold, if any."""


@event("catalog.public.SellableProductRepriced", version=1)
class SellableProductRepriced(Event):
    catalog_id: str
    sku: str
    price_amount: int
    currency: str


@event("catalog.public.ProductWithdrawn", version=1)
class ProductWithdrawn(Event):
    """The product can no longer be sold (removed, or its catalog paused or deprecated)."""

    catalog_id: str
    sku: str
