"""Catalog rules: given past events, when a command, then new events or a named error."""

from __future__ import annotations

from collections.abc import Callable

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
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku, name
from tests.given_when_then import given_events_of, then, then_refused

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


given = given_events_of(Catalog, ID)


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
    then_refused(catalog, lambda c: c.rename("   "), InvalidValue, field="name")
    then(catalog)


def test_an_archived_catalog_cannot_be_renamed() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED, CatalogArchived(catalog_id=ID))
    then_refused(catalog, lambda c: c.rename("Winter"), TransitionNotAllowed)
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
def test_invalid_transitions_are_refused(history: tuple[Event, ...], action: Callable[[Catalog], None]) -> None:
    catalog = given(*history)
    then_refused(catalog, action, TransitionNotAllowed)
    then(catalog)


def test_an_empty_catalog_cannot_be_submitted() -> None:
    then_refused(given(CREATED), Catalog.submit_for_approval, EmptyCatalog)


def test_adding_a_product() -> None:
    catalog = given(CREATED)
    catalog.add_product(Sku("HAT"), "Hat", "", Price(1999, "EUR"), SalesWindow())
    then(catalog, HAT)


def test_a_sku_is_unique_within_a_catalog() -> None:
    add_again = lambda c: c.add_product(Sku("HAT"), "Other hat", "", Price(5, "EUR"), SalesWindow())  # noqa: E731
    then_refused(given(CREATED, HAT), add_again, DuplicateSku)


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
    then_refused(catalog, lambda c: c.remove_product(Sku("HAT")), UnknownProduct)


def test_products_of_a_deprecated_catalog_cannot_change() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED)
    then_refused(catalog, lambda c: c.reprice_product(Sku("HAT"), Price(1, "EUR")), CatalogNotEditable)


def test_a_snapshot_restores_the_same_state() -> None:
    catalog = given(CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED)
    restored = Catalog.from_snapshot(ID, catalog.version, catalog.snapshot_state())
    assert vars(restored) == vars(catalog)


HISTORY_IN = {
    Status.INITIALIZED: (CREATED, HAT),
    Status.WAITING_FOR_APPROVAL: (CREATED, HAT, SUBMITTED),
    Status.APPROVED: (CREATED, HAT, SUBMITTED, APPROVED),
    Status.ACTIVE: (CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED),
    Status.PAUSED: (CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, PAUSED),
    Status.DEPRECATED: (CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED),
    Status.ARCHIVED: (CREATED, HAT, SUBMITTED, APPROVED, ACTIVATED, DEPRECATED, CatalogArchived(catalog_id=ID)),
}
TRANSITIONS = {  # action: (what the refusal says it cannot do, allowed from, event, status after)
    "submit_for_approval": ("be submitted for approval", {Status.INITIALIZED}, SUBMITTED, Status.WAITING_FOR_APPROVAL),
    "approve": ("be approved", {Status.WAITING_FOR_APPROVAL}, APPROVED, Status.APPROVED),
    "reject": (
        "be rejected", {Status.WAITING_FOR_APPROVAL}, CatalogRejected(catalog_id=ID, reason="no"), Status.INITIALIZED
    ),
    "activate": ("be activated", {Status.APPROVED, Status.PAUSED}, ACTIVATED, Status.ACTIVE),
    "pause": ("be paused", {Status.ACTIVE}, PAUSED, Status.PAUSED),
    "deprecate": ("be deprecated", {Status.ACTIVE, Status.PAUSED}, DEPRECATED, Status.DEPRECATED),
    "archive": ("be archived", {Status.DEPRECATED}, CatalogArchived(catalog_id=ID), Status.ARCHIVED),
}  # fmt: skip


def act(catalog: Catalog, action: str) -> None:
    if action == "reject":
        catalog.reject(" no ")
    else:
        getattr(catalog, action)()


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transition_is_allowed_only_from_its_statuses(status: Status, action: str) -> None:
    # Given a catalog in `status`
    catalog = given(*HISTORY_IN[status])
    assert catalog.status is status
    cannot, allowed, recorded, after = TRANSITIONS[action]
    if status in allowed:
        # When the action is allowed, then it records its event and moves the catalog on
        act(catalog, action)
        then(catalog, recorded)
        assert catalog.status is after
        assert catalog.sellable is (after is Status.ACTIVE)
    else:
        # Otherwise it is refused, naming the status and the action, and nothing is recorded
        with pytest.raises(TransitionNotAllowed) as refused:
            act(catalog, action)
        assert refused.value.message == f"a catalog that is {status.value} cannot {cannot}"
        assert refused.value.details == {"catalog_id": ID, "status": status.value}
        then(catalog)


@pytest.mark.parametrize("status", list(Status))
def test_products_change_only_while_the_catalog_is_editable(status: Status) -> None:
    catalog = given(*HISTORY_IN[status])
    editable = status in {Status.INITIALIZED, Status.APPROVED, Status.ACTIVE, Status.PAUSED}
    changes = (
        lambda: catalog.add_product(Sku("CAP"), "Cap", "", Price(500, "EUR"), SalesWindow()),
        lambda: catalog.reprice_product(Sku("HAT"), Price(1, "EUR")),
        lambda: catalog.remove_product(Sku("HAT")),
    )
    for change in changes:
        if editable:
            change()
        else:
            with pytest.raises(CatalogNotEditable) as refused:
                change()
            assert refused.value.details == {"catalog_id": ID, "status": status.value}
            assert refused.value.message == f"products of a catalog that is {status.value} cannot change"
    assert len(catalog.pending_events) == (3 if editable else 0)


def test_a_new_catalog_is_initialized_empty_and_not_sellable() -> None:
    catalog = Catalog(ID)
    assert (catalog.name, catalog.description, catalog.status, catalog.products) == ("", "", Status.INITIALIZED, {})
    assert not catalog.sellable
    created = Catalog.create(ID, " Winter ", "  warm things ")
    then(created, CatalogCreated(catalog_id=ID, name="Winter", description="warm things"))
    assert (created.id, created.name, created.description) == (ID, "Winter", "warm things")


def test_refusals_name_the_catalog_and_the_product() -> None:
    with pytest.raises(EmptyCatalog) as empty:
        given(CREATED).submit_for_approval()
    assert empty.value.details == {"catalog_id": ID}
    with pytest.raises(DuplicateSku) as duplicate:
        given(CREATED, HAT).add_product(Sku("HAT"), "Other hat", "", Price(5, "EUR"), SalesWindow())
    assert duplicate.value.details == {"catalog_id": ID, "sku": "HAT"}
    with pytest.raises(UnknownProduct) as unknown:
        given(CREATED).reprice_product(Sku("CAP"), Price(5, "EUR"))
    assert unknown.value.details == {"catalog_id": ID, "sku": "CAP"}


def test_a_rejection_needs_a_short_reason() -> None:
    for reason, message in (("  ", "reason must not be blank"), ("x" * 501, "reason is longer than 500 characters")):
        catalog = given(CREATED, HAT, SUBMITTED)
        with pytest.raises(InvalidValue) as refused:
            catalog.reject(reason)
        assert (refused.value.field, refused.value.message) == ("reason", message)
        then(catalog)
    accepted = given(CREATED, HAT, SUBMITTED)
    accepted.reject("x" * 500)
    then(accepted, CatalogRejected(catalog_id=ID, reason="x" * 500))


def test_a_product_records_its_trimmed_name_description_price_and_sales_window() -> None:
    catalog = given(CREATED)
    window = SalesWindow.parse("2026-05-01", "2026-06-30")
    catalog.add_product(Sku("CAP"), "  Cap ", " a cap  ", Price(500, "USD"), window)
    added = ProductAdded(
        catalog_id=ID, sku="CAP", name="Cap", description="a cap", price_amount=500, currency="USD",
        release_date="2026-05-01", expiration_date="2026-06-30",
    )  # fmt: skip
    then(catalog, added)
    product = catalog.products["CAP"]
    assert (product.sku, product.name, product.description, product.price_amount, product.currency) == (
        "CAP", "Cap", "a cap", 500, "USD"
    )  # fmt: skip
    assert (product.release_date, product.expiration_date) == ("2026-05-01", "2026-06-30")
    catalog.reprice_product(Sku("CAP"), Price(500, "EUR"))  # another currency is another price
    assert (catalog.products["CAP"].price_amount, catalog.products["CAP"].currency) == (500, "EUR")
    with pytest.raises(InvalidValue) as nameless:
        catalog.add_product(Sku("MUG"), " ", "", Price(1, "EUR"), SalesWindow())
    assert nameless.value.field == "name"


def test_names_are_trimmed_and_at_most_200_characters() -> None:
    assert name("  x  ") == "x"
    assert name("y" * 200) == "y" * 200
    with pytest.raises(InvalidValue) as long:
        name("y" * 201)
    assert (long.value.field, long.value.message) == ("name", "name is longer than 200 characters")
    with pytest.raises(InvalidValue) as blank:
        name(" ")
    assert (blank.value.field, blank.value.message) == ("name", "name must not be blank")


def test_values_say_what_is_wrong() -> None:
    cases = (
        (lambda: Sku("-HAT"), "sku", "a SKU is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
        (lambda: Sku("H" * 65), "sku", None),
        (lambda: Price(5, "EURO"), "currency", "a currency is an ISO 4217 code such as EUR"),
        (lambda: Price(0, "EUR"), "price", "a price must be positive"),
        (lambda: SalesWindow.parse("2026-05-02", "2026-05-01"), "expiration_date",
         "a product cannot expire before its release date"),
        (lambda: SalesWindow.parse("soon", None), "release_date", "release_date must be an ISO date (YYYY-MM-DD)"),
        (lambda: SalesWindow.parse(None, "later"), "expiration_date",
         "expiration_date must be an ISO date (YYYY-MM-DD)"),
    )  # fmt: skip
    for make, field, message in cases:
        with pytest.raises(InvalidValue) as refused:
            make()
        assert refused.value.field == field
        if message is not None:
            assert refused.value.message == message
    assert str(Sku("H" * 64)) == "H" * 64
    assert Price(1, "EUR").amount == 1
    one_day = SalesWindow.parse("2026-05-01", "2026-05-01")
    assert one_day.iso() == ("2026-05-01", "2026-05-01")
    assert SalesWindow.parse(None, None).iso() == (None, None)
    assert SalesWindow.parse("2026-05-01", None).iso() == ("2026-05-01", None)
    assert SalesWindow.parse(None, "2026-05-01").iso() == (None, "2026-05-01")
