"""The Catalog aggregate: a lifecycle and the products it holds.

initialized -> waiting-for-approval -> approved -> active <-> paused -> deprecated -> archived
               (rejected: back to initialized)               (active/paused -> deprecated)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, Self

from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.limits import MAX_REASON_LENGTH
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
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku, description, name


class Status(StrEnum):
    INITIALIZED = "initialized"
    WAITING_FOR_APPROVAL = "waiting-for-approval"
    APPROVED = "approved"
    ACTIVE = "active"
    PAUSED = "paused"
    DEPRECATED = "deprecated"
    ARCHIVED = "archived"


EDITABLE = frozenset({Status.INITIALIZED, Status.APPROVED, Status.ACTIVE, Status.PAUSED})

LifecycleEvent = (
    CatalogSubmittedForApproval
    | CatalogApproved
    | CatalogRejected
    | CatalogActivated
    | CatalogPaused
    | CatalogDeprecated
    | CatalogArchived
)
STATUS_AFTER: dict[type[LifecycleEvent], Status] = {
    CatalogSubmittedForApproval: Status.WAITING_FOR_APPROVAL,
    CatalogApproved: Status.APPROVED,
    CatalogRejected: Status.INITIALIZED,
    CatalogActivated: Status.ACTIVE,
    CatalogPaused: Status.PAUSED,
    CatalogDeprecated: Status.DEPRECATED,
    CatalogArchived: Status.ARCHIVED,
}
"""The status each step of a catalog's life leaves it in (the aggregate and the catalogs view both follow it)."""


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    description: str
    price_amount: int
    currency: str
    release_date: str | None
    expiration_date: str | None


class Catalog(Aggregate):
    stream_type = "catalog"
    snapshot_schema = 1

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.name = ""
        self.description = ""
        self.status = Status.INITIALIZED
        self.products: dict[str, Product] = {}

    @property
    def sellable(self) -> bool:
        return self.status == Status.ACTIVE

    # -- behaviour -------------------------------------------------------------------------------

    @classmethod
    def create(cls, id: str, catalog_name: str, catalog_description: str = "") -> Catalog:
        catalog = cls(id)
        catalog.record(
            CatalogCreated(catalog_id=id, name=name(catalog_name), description=description(catalog_description))
        )
        return catalog

    def rename(self, new_name: str) -> None:
        """Any catalog but an archived one may take a new name; its own name again changes nothing."""
        if self.status == Status.ARCHIVED:
            raise TransitionNotAllowed(self.id, self.status.value, "be renamed")
        renamed = name(new_name)
        if renamed != self.name:
            self.record(CatalogRenamed(catalog_id=self.id, name=renamed))

    def submit_for_approval(self) -> None:
        self._require(Status.INITIALIZED, action="be submitted for approval")
        if not self.products:
            raise EmptyCatalog(self.id)
        self.record(CatalogSubmittedForApproval(catalog_id=self.id))

    def approve(self) -> None:
        self._require(Status.WAITING_FOR_APPROVAL, action="be approved")
        self.record(CatalogApproved(catalog_id=self.id))

    def reject(self, reason: str) -> None:
        self._require(Status.WAITING_FOR_APPROVAL, action="be rejected")
        self.record(CatalogRejected(catalog_id=self.id, reason=name(reason, "reason", MAX_REASON_LENGTH)))

    def activate(self) -> None:
        self._require(Status.APPROVED, Status.PAUSED, action="be activated")
        self.record(CatalogActivated(catalog_id=self.id))

    def pause(self) -> None:
        self._require(Status.ACTIVE, action="be paused")
        self.record(CatalogPaused(catalog_id=self.id))

    def deprecate(self) -> None:
        self._require(Status.ACTIVE, Status.PAUSED, action="be deprecated")
        self.record(CatalogDeprecated(catalog_id=self.id))

    def archive(self) -> None:
        self._require(Status.DEPRECATED, action="be archived")
        self.record(CatalogArchived(catalog_id=self.id))

    def add_product(
        self, sku: Sku, product_name: str, product_description: str, price: Price, window: SalesWindow
    ) -> None:
        self._require_editable()
        if sku.value in self.products:
            raise DuplicateSku(self.id, sku.value)
        release, expiration = window.iso()
        self.record(
            ProductAdded(
                catalog_id=self.id,
                sku=sku.value,
                name=name(product_name),
                description=description(product_description),
                price_amount=price.amount,
                currency=price.currency,
                release_date=release,
                expiration_date=expiration,
            )
        )

    def reprice_product(self, sku: Sku, price: Price) -> None:
        self._require_editable()
        product = self._product(sku)
        if (product.price_amount, product.currency) == (price.amount, price.currency):
            return  # already at that price: nothing happened
        self.record(
            ProductRepriced(catalog_id=self.id, sku=sku.value, price_amount=price.amount, currency=price.currency)
        )

    def remove_product(self, sku: Sku) -> None:
        self._require_editable()
        self._product(sku)
        self.record(ProductRemoved(catalog_id=self.id, sku=sku.value))

    def _require(self, *allowed: Status, action: str) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(self.id, self.status.value, action)

    def _require_editable(self) -> None:
        if self.status not in EDITABLE:
            raise CatalogNotEditable(self.id, self.status.value)

    def _product(self, sku: Sku) -> Product:
        try:
            return self.products[sku.value]
        except KeyError:
            raise UnknownProduct(self.id, sku.value) from None

    # -- state changes ---------------------------------------------------------------------------

    @applies(CatalogCreated)
    def _created(self, event: CatalogCreated) -> None:
        self.name, self.description = event.name, event.description

    @applies(CatalogRenamed)
    def _renamed(self, event: CatalogRenamed) -> None:
        self.name = event.name

    @applies(*STATUS_AFTER)
    def _status_changed(self, event: LifecycleEvent) -> None:
        self.status = STATUS_AFTER[type(event)]

    @applies(ProductAdded)
    def _product_added(self, event: ProductAdded) -> None:
        self.products[event.sku] = Product(
            event.sku,
            event.name,
            event.description,
            event.price_amount,
            event.currency,
            event.release_date,
            event.expiration_date,
        )

    @applies(ProductRepriced)
    def _product_repriced(self, event: ProductRepriced) -> None:
        product = self.products[event.sku]
        self.products[event.sku] = replace(product, price_amount=event.price_amount, currency=event.currency)

    @applies(ProductRemoved)
    def _product_removed(self, event: ProductRemoved) -> None:
        del self.products[event.sku]

    # -- snapshots -------------------------------------------------------------------------------

    def snapshot_state(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "status": self.status.value,
            "products": [asdict(product) for product in self.products.values()],
        }

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        catalog = cls(id)
        catalog.version = version
        catalog.name = state["name"]
        catalog.description = state["description"]
        catalog.status = Status(state["status"])
        catalog.products = {p["sku"]: Product(**p) for p in state["products"]}
        return catalog
