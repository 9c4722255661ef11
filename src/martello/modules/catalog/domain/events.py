"""What happens to a catalog, as past-tense facts. Type names are explicit and never change."""

from __future__ import annotations

from decimal import Decimal

from martello.kernel.events import JSON, Event, event, registry


@event("catalog.CatalogCreated")
class CatalogCreated(Event):
    catalog_id: str
    name: str
    description: str


@event("catalog.CatalogRenamed")
class CatalogRenamed(Event):
    catalog_id: str
    name: str


@event("catalog.CatalogSubmittedForApproval")
class CatalogSubmittedForApproval(Event):
    catalog_id: str


@event("catalog.CatalogApproved")
class CatalogApproved(Event):
    catalog_id: str


@event("catalog.CatalogRejected")
class CatalogRejected(Event):
    catalog_id: str
    reason: str


@event("catalog.CatalogActivated")
class CatalogActivated(Event):
    catalog_id: str


@event("catalog.CatalogPaused")
class CatalogPaused(Event):
    catalog_id: str


@event("catalog.CatalogDeprecated")
class CatalogDeprecated(Event):
    catalog_id: str


@event("catalog.CatalogArchived")
class CatalogArchived(Event):
    catalog_id: str


@event("catalog.ProductAdded", version=2)
class ProductAdded(Event):
    catalog_id: str
    sku: str
    name: str
    description: str
    price_amount: int
    """Minor units of `currency`. (Version 1 stored `price` as a decimal string in euros.)"""
    currency: str
    release_date: str | None
    expiration_date: str | None


@registry.upcaster("catalog.ProductAdded", from_version=1)
def _product_added_v1_to_v2(data: JSON) -> JSON:
    """v1 stored `"price": "19.99"` (euros, as a decimal string); v2 stores minor units and a currency."""
    upgraded = dict(data)
    price = Decimal(upgraded.pop("price"))
    upgraded["price_amount"] = int((price * 100).to_integral_value())
    upgraded["currency"] = "EUR"
    return upgraded


@event("catalog.ProductRepriced")
class ProductRepriced(Event):
    catalog_id: str
    sku: str
    price_amount: int
    currency: str


@event("catalog.ProductRemoved")
class ProductRemoved(Event):
    catalog_id: str
    sku: str
