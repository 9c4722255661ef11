"""What the catalog's rules say when they refuse: a stable code, a message for people, details for programs."""

from __future__ import annotations

import pytest

from martello.kernel.errors import DomainError, MartelloError, NotFound
from martello.modules.catalog.domain.errors import (
    CatalogNotEditable,
    DuplicateSku,
    EmptyCatalog,
    TransitionNotAllowed,
    UnknownProduct,
)

REFUSALS = [
    (
        TransitionNotAllowed("k-1", "draft", "be activated"),
        DomainError, "catalog-transition-not-allowed", "a catalog that is draft cannot be activated",
        {"catalog_id": "k-1", "status": "draft"},
    ),
    (
        CatalogNotEditable("k-1", "active"),
        DomainError, "catalog-not-editable", "products of a catalog that is active cannot change",
        {"catalog_id": "k-1", "status": "active"},
    ),
    (
        EmptyCatalog("k-1"),
        DomainError, "catalog-empty", "a catalog needs at least one product to be submitted for approval",
        {"catalog_id": "k-1"},
    ),
    (
        DuplicateSku("k-1", "HAT"),
        DomainError, "duplicate-sku", "the catalog already holds a product with SKU HAT",
        {"catalog_id": "k-1", "sku": "HAT"},
    ),
    (
        UnknownProduct("k-1", "HAT"),
        NotFound, "unknown-product", "the catalog holds no product with SKU HAT", {"catalog_id": "k-1", "sku": "HAT"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("error", "kind", "code", "message", "details"), REFUSALS, ids=lambda v: type(v).__name__)
def test_each_refusal_names_its_rule(
    error: MartelloError, kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    assert isinstance(error, kind)
    assert (error.code, str(error), error.message, error.details) == (code, message, message, details)
