"""What can be asked of the catalog. Every command may carry the version the caller last saw."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreateCatalog:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class CatalogCommand:
    catalog_id: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class SubmitCatalogForApproval(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class ApproveCatalog(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class RejectCatalog(CatalogCommand):
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ActivateCatalog(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class PauseCatalog(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class DeprecateCatalog(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class ArchiveCatalog(CatalogCommand):
    pass


@dataclass(frozen=True, slots=True)
class AddProduct(CatalogCommand):
    sku: str = ""
    name: str = ""
    description: str = ""
    price_amount: int = 0
    currency: str = "EUR"
    release_date: str | None = None
    expiration_date: str | None = None


@dataclass(frozen=True, slots=True)
class RepriceProduct(CatalogCommand):
    sku: str = ""
    price_amount: int = 0
    currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class RemoveProduct(CatalogCommand):
    sku: str = ""
