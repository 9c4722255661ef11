"""Translating catalog changes into the integration events other modules rely on."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.events import Event
from martello.modules.catalog.contracts import ProductBecameSellable, ProductWithdrawn, SellableProductRepriced
from martello.modules.catalog.domain.catalog import Catalog, Product
from martello.modules.catalog.domain.events import (
    CatalogActivated,
    CatalogDeprecated,
    CatalogPaused,
    ProductAdded,
    ProductRemoved,
    ProductRepriced,
)


def published_events(catalog: Catalog, events: Sequence[Event]) -> list[Event]:
    """Products become sellable when their catalog is active, and stop being sellable when it is not."""
    messages: list[Event] = []
    for event in events:
        match event:
            case CatalogActivated():
                messages.extend(_sellable(catalog.id, product) for product in catalog.products.values())
            case CatalogPaused() | CatalogDeprecated():
                messages.extend(ProductWithdrawn(catalog_id=catalog.id, sku=sku) for sku in catalog.products)
            case ProductAdded() if catalog.sellable:
                messages.append(_sellable(catalog.id, catalog.products[event.sku]))
            case ProductRepriced() if catalog.sellable:
                messages.append(
                    SellableProductRepriced(
                        catalog_id=catalog.id, sku=event.sku, price_amount=event.price_amount, currency=event.currency
                    )
                )
            case ProductRemoved() if catalog.sellable:
                messages.append(ProductWithdrawn(catalog_id=catalog.id, sku=event.sku))
    return messages


def _sellable(catalog_id: str, product: Product) -> ProductBecameSellable:
    return ProductBecameSellable(
        catalog_id=catalog_id,
        sku=product.sku,
        name=product.name,
        price_amount=product.price_amount,
        currency=product.currency,
        release_date=product.release_date,
        expiration_date=product.expiration_date,
    )
