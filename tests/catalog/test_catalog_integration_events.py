"""Which integration events the catalog publishes for which changes."""

from __future__ import annotations

from martello.modules.catalog.application.integration import published_events
from martello.modules.catalog.contracts import ProductBecameSellable, ProductWithdrawn, SellableProductRepriced
from martello.modules.catalog.domain.catalog import Catalog
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku
from tests.catalog.test_catalog_domain import ACTIVATED, APPROVED, CREATED, HAT, ID, SUBMITTED, given


def change(catalog: Catalog, action: object) -> list[object]:
    action(catalog)  # type: ignore[operator]
    return list(published_events(catalog, catalog.pending_events))


def test_activation_makes_every_product_sellable() -> None:
    messages = change(given(CREATED, HAT, SUBMITTED, APPROVED), Catalog.activate)
    assert messages == [
        ProductBecameSellable(
            catalog_id=ID,
            sku="HAT",
            name="Hat",
            price_amount=1999,
            currency="EUR",
            release_date=None,
            expiration_date=None,
        )
    ]


def test_changes_to_an_inactive_catalog_publish_nothing() -> None:
    catalog = given(CREATED)
    assert change(catalog, lambda c: c.add_product(Sku("CAP"), "Cap", "", Price(5, "EUR"), SalesWindow())) == []


def test_an_active_catalog_publishes_reprices_and_withdrawals() -> None:
    active = (CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED)
    repriced = change(given(*active), lambda c: c.reprice_product(Sku("HAT"), Price(10, "EUR")))
    assert repriced == [SellableProductRepriced(catalog_id=ID, sku="HAT", price_amount=10, currency="EUR")]
    assert change(given(*active), lambda c: c.remove_product(Sku("HAT"))) == [
        ProductWithdrawn(catalog_id=ID, sku="HAT")
    ]
    assert change(given(*active), Catalog.pause) == [ProductWithdrawn(catalog_id=ID, sku="HAT")]
