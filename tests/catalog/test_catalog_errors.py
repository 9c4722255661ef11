"""What the catalog's rules say when they refuse: a stable code, a message for people, details for programs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import DomainError, MartelloError, NotFound
from martello.modules.catalog.domain.errors import (
    CatalogNotEditable,
    DuplicateSku,
    EmptyCatalog,
    TransitionNotAllowed,
    UnknownProduct,
)
from tests.given_when_then import then_names_its_rule

REFUSALS = [
    (
        lambda: TransitionNotAllowed("k-1", "draft", "be activated"),
        DomainError, "catalog-transition-not-allowed", "a catalog that is draft cannot be activated",
        {"catalog_id": "k-1", "status": "draft"},
    ),
    (
        lambda: CatalogNotEditable("k-1", "active"),
        DomainError, "catalog-not-editable", "products of a catalog that is active cannot change",
        {"catalog_id": "k-1", "status": "active"},
    ),
    (
        lambda: EmptyCatalog("k-1"),
        DomainError, "catalog-empty", "a catalog needs at least one product to be submitted for approval",
        {"catalog_id": "k-1"},
    ),
    (
        lambda: DuplicateSku("k-1", "HAT"),
        DomainError, "duplicate-sku", "the catalog already holds a product with SKU HAT",
        {"catalog_id": "k-1", "sku": "HAT"},
    ),
    (
        lambda: UnknownProduct("k-1", "HAT"),
        NotFound, "unknown-product", "the catalog holds no product with SKU HAT", {"catalog_id": "k-1", "sku": "HAT"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kind", "code", "message", "details"), REFUSALS)
def test_each_refusal_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    then_names_its_rule(make, kind, code, message, details)
