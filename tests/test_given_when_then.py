"""The shared given/when/then helper fails a specification that does not hold."""

from __future__ import annotations

import pytest

from martello.kernel.errors import DomainError
from martello.modules.catalog.domain.catalog import Catalog
from martello.modules.catalog.domain.errors import EmptyCatalog
from martello.modules.catalog.domain.events import CatalogCreated, CatalogRenamed
from tests.given_when_then import given_events_of, then, then_refused, when

given = given_events_of(Catalog, "cat-1")
CREATED = CatalogCreated(catalog_id="cat-1", name="Summer", description="")


def test_given_replays_the_events_and_when_returns_what_the_behaviour_recorded() -> None:
    catalog = given(CREATED)
    assert (catalog.id, catalog.version, catalog.name) == ("cat-1", 1, "Summer")
    assert when(catalog, lambda c: c.rename("Winter")) == [CatalogRenamed(catalog_id="cat-1", name="Winter")]


def test_then_fails_on_other_or_missing_events() -> None:
    catalog = given(CREATED)
    catalog.rename("Winter")
    with pytest.raises(AssertionError):
        then(catalog)
    with pytest.raises(AssertionError):
        then(catalog, CatalogRenamed(catalog_id="cat-1", name="Autumn"))


def test_then_refused_fails_without_the_error_with_other_details_or_with_events_recorded() -> None:
    with pytest.raises(pytest.fail.Exception):
        then_refused(given(CREATED), lambda c: c.rename("Winter"), DomainError)
    with pytest.raises(AssertionError, match=r"EmptyCatalog\.details"):
        then_refused(given(CREATED), Catalog.submit_for_approval, EmptyCatalog, details={"catalog_id": "other"})

    def rename_then_refuse(catalog: Catalog) -> None:
        catalog.rename("Winter")
        catalog.submit_for_approval()

    with pytest.raises(AssertionError, match="recorded events"):
        then_refused(given(CREATED), rename_then_refuse, EmptyCatalog)
    refused = then_refused(given(CREATED), Catalog.submit_for_approval, EmptyCatalog, details={"catalog_id": "cat-1"})
    assert refused.code == "catalog-empty"
