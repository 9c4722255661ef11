"""Catalog rules: given past events, when a command, then new events or a named error."""

from __future__ import annotations

import pytest

from martello.kernel.errors import InvalidValue
from martello.kernel.events import Event
from martello.modules.catalog.domain.catalog import Catalog, Status
from martello.modules.catalog.domain.errors import (
    CatalogNotEditable,
    DuplicateSku,
    EmptyCatalog,
    TransitionNotAllowed,
    UnknownProduct,
)
from martello.modules.catalog.domain.events import (
    CatalogActivated,
    CatalogApproved,
    CatalogArchived,
    CatalogCreated,
    CatalogDeprecated,
    CatalogPaused,
    CatalogRejected,
    CatalogRenamed,
    CatalogSubmittedForApproval,
    ProductAdded,
    ProductRemoved,
    ProductRepriced,
)
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku

ID = "cat-1"
CREATED = CatalogCreated(catalog_id=ID, name="Summer", description="")
HAT = ProductAdded(
    catalog_id=ID,
    sku="HAT",
    name="Hat",
    description="",
    price_amount=1999,
    currency="EUR",
    release_date=None,
    expiration_date=None,
)
SUBMITTED = CatalogSubmittedForApproval(catalog_id=ID)
APPROVED = CatalogApproved(catalog_id=ID)
ACTIVATED = CatalogActivated(catalog_id=ID)
PAUSED = CatalogPaused(catalog_id=ID)
DEPRECATED = CatalogDeprecated(catalog_id=ID)


def given(*events: Event) -> Catalog:
    return Catalog.replay(ID, events)


def then(catalog: Catalog, *events: Event) -> None:
    assert catalog.pending_events == list(events)


def test_creating_a_catalog_records_its_name() -> None:
    catalog = Catalog.create(ID, "  Summer  ")
    then(catalog, CREATED)
    assert catalog.status is Status.INITIALIZED


def test_a_catalog_needs_a_name() -> None:
    with pytest.raises(InvalidValue) as error:
        Catalog.create(ID, " ")
    assert error.value.field == "name"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Sum\u202emer", "bidirectional"),
        ("Sum\u2066mer", "bidirectional"),
        ("Sum\x00mer", "control"),
        ("Sum\nmer", "control"),
        ("S" * 201, "longer than 200"),
    ],
)
def test_a_name_is_one_line_of_at_most_200_characters_without_bidi_controls(text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Catalog.create(ID, text)
    assert error.value.field == "name" and message in error.value.message


def test_a_description_may_span_lines_but_is_bounded() -> None:
    assert Catalog.create(ID, "Summer", "Hats\nand caps").pending_events[0].description == "Hats\nand caps"
    with pytest.raises(InvalidValue) as error:
        Catalog.create(ID, "Summer", "x" * 10_001)
    assert error.value.field == "description"


@pytest.mark.parametrize("amount", [0, -1, 10**9 + 1, 9223372036854775808])
def test_a_price_is_from_one_minor_unit_to_a_billion(amount: int) -> None:
    with pytest.raises(InvalidValue) as error:
        Price(amount, "EUR")
    assert error.value.field == "price"
    assert Price(10**9, "EUR").amount == 10**9


def test_renaming_a_catalog_records_its_new_name() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED)
    catalog.rename("  Winter  ")
    then(catalog, CatalogRenamed(catalog_id=ID, name="Winter"))
    assert catalog.name == "Winter"


def test_renaming_a_catalog_to_its_own_name_records_nothing() -> None:
    catalog = given(CREATED, CatalogRenamed(catalog_id=ID, name="Winter"))
    catalog.rename("Winter")
    then(catalog)


def test_a_new_name_follows_the_rules_of_names() -> None:
    catalog = given(CREATED)
    with pytest.raises(InvalidValue) as refused:
        catalog.rename("   ")
    assert refused.value.field == "name"
    then(catalog)


def test_an_archived_catalog_cannot_be_renamed() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED, CatalogArchived(catalog_id=ID))
    with pytest.raises(TransitionNotAllowed):
        catalog.rename("Winter")
    then(catalog)


def test_the_lifecycle_walks_from_initialized_to_archived() -> None:
    catalog = given(CREATED, HAT)
    catalog.submit_for_approval()
    catalog.approve()
    catalog.activate()
    catalog.pause()
    catalog.activate()
    catalog.deprecate()
    catalog.archive()
    then(catalog, SUBMITTED, APPROVED, ACTIVATED, PAUSED, ACTIVATED, DEPRECATED, CatalogArchived(catalog_id=ID))
    assert catalog.status is Status.ARCHIVED


def test_a_rejected_catalog_goes_back_to_initialized() -> None:
    catalog = given(CREATED, HAT, SUBMITTED)
    catalog.reject("prices too high")
    then(catalog, CatalogRejected(catalog_id=ID, reason="prices too high"))
    assert catalog.status is Status.INITIALIZED


@pytest.mark.parametrize(
    ("history", "action"),
    [
        ((CREATED, HAT), Catalog.approve),
        ((CREATED, HAT), Catalog.activate),
        ((CREATED, HAT, SUBMITTED), Catalog.activate),
        ((CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED), Catalog.archive),
        ((CREATED, HAT, SUBMITTED, APPROVED), Catalog.pause),
        ((CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED), Catalog.activate),
    ],
)
def test_invalid_transitions_are_refused(history: tuple[Event, ...], action: object) -> None:
    catalog = given(*history)
    with pytest.raises(TransitionNotAllowed):
        action(catalog)  # type: ignore[operator]
    then(catalog)


def test_an_empty_catalog_cannot_be_submitted() -> None:
    with pytest.raises(EmptyCatalog):
        given(CREATED).submit_for_approval()


def test_adding_a_product() -> None:
    catalog = given(CREATED)
    catalog.add_product(Sku("HAT"), "Hat", "", Price(1999, "EUR"), SalesWindow())
    then(catalog, HAT)


def test_a_sku_is_unique_within_a_catalog() -> None:
    with pytest.raises(DuplicateSku):
        given(CREATED, HAT).add_product(Sku("HAT"), "Other hat", "", Price(5, "EUR"), SalesWindow())


@pytest.mark.parametrize(
    ("amount", "currency", "field"), [(0, "EUR", "price"), (-1, "EUR", "price"), (5, "eur", "currency")]
)
def test_prices_are_positive_amounts_of_a_currency(amount: int, currency: str, field: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Price(amount, currency)
    assert error.value.field == field


def test_a_product_cannot_expire_before_its_release() -> None:
    with pytest.raises(InvalidValue) as error:
        SalesWindow.parse("2026-05-01", "2026-04-01")
    assert error.value.field == "expiration_date"
    with pytest.raises(InvalidValue):
        SalesWindow.parse("tomorrow", None)


def test_repricing_and_removing_products() -> None:
    catalog = given(CREATED, HAT)
    catalog.reprice_product(Sku("HAT"), Price(2499, "EUR"))
    catalog.reprice_product(Sku("HAT"), Price(2499, "EUR"))  # same price again: nothing happens
    catalog.remove_product(Sku("HAT"))
    then(
        catalog,
        ProductRepriced(catalog_id=ID, sku="HAT", price_amount=2499, currency="EUR"),
        ProductRemoved(catalog_id=ID, sku="HAT"),
    )
    with pytest.raises(UnknownProduct):
        catalog.remove_product(Sku("HAT"))


def test_products_of_a_deprecated_catalog_cannot_change() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED)
    with pytest.raises(CatalogNotEditable):
        catalog.reprice_product(Sku("HAT"), Price(1, "EUR"))


def test_a_snapshot_restores_the_same_state() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED)
    restored = Catalog.from_snapshot(ID, catalog.version, catalog.snapshot_state())
    assert vars(restored) == vars(catalog)
