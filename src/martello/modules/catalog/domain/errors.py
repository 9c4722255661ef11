"""The catalog's business rules, each a named error."""

from __future__ import annotations

from martello.kernel.errors import DomainError, NotFound


class TransitionNotAllowed(DomainError):
    code = "catalog-transition-not-allowed"

    def __init__(self, catalog_id: str, status: str, action: str) -> None:
        super().__init__(f"a catalog that is {status} cannot {action}", catalog_id=catalog_id, status=status)


class CatalogNotEditable(DomainError):
    code = "catalog-not-editable"

    def __init__(self, catalog_id: str, status: str) -> None:
        super().__init__(f"products of a catalog that is {status} cannot change", catalog_id=catalog_id, status=status)


class EmptyCatalog(DomainError):
    code = "catalog-empty"

    def __init__(self, catalog_id: str) -> None:
        super().__init__("a catalog needs at least one product to be submitted for approval", catalog_id=catalog_id)


class DuplicateSku(DomainError):
    code = "duplicate-sku"

    def __init__(self, catalog_id: str, sku: str) -> None:
        super().__init__(f"the catalog already holds a product with SKU {sku}", catalog_id=catalog_id, sku=sku)


class UnknownProduct(NotFound):
    code = "unknown-product"

    def __init__(self, catalog_id: str, sku: str) -> None:
        super().__init__(f"the catalog holds no product with SKU {sku}", catalog_id=catalog_id, sku=sku)
