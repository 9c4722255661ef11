"""The catalog's HTTP API, mounted under /api/v1/catalog. Commands are intent-named POSTs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from martello.kernel.envelope import MessageContext
from martello.kernel.limits import (
    MAX_CURRENCY_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PRICE_AMOUNT,
    MAX_REASON_LENGTH,
    MAX_SKU_LENGTH,
)
from martello.modules.catalog.api.schemas import CatalogOut, ProductOut
from martello.modules.catalog.application.commands import ChangeCatalog, CreateCatalog
from martello.modules.catalog.application.queries import (
    GetCatalog,
    GetCatalogHistory,
    ListActiveProducts,
    ListCatalogs,
)
from martello.modules.catalog.domain.catalog import Catalog
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku
from martello.web.auth import Admin
from martello.web.commands import CommandAccepted, Context, Expecting, Strict
from martello.web.history import HistoryOut
from martello.web.module_api import ModuleApi
from martello.web.params import Filter, Id, MinPosition, Paged, SkuPath, When


class MoneyIn(Strict):
    amount: int = Field(
        ge=1, le=MAX_PRICE_AMOUNT, description="Minor units of the currency (cents): 1999 is 19.99; 1 to 10^9"
    )
    currency: str = Field(default="EUR", min_length=3, max_length=MAX_CURRENCY_LENGTH, description="ISO 4217 code")


class CreateCatalogIn(Strict):
    name: str = Field(max_length=MAX_NAME_LENGTH, description="One line, no control or bidi-override characters")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)


class RenameCatalogIn(Expecting):
    name: str = Field(max_length=MAX_NAME_LENGTH, description="One line, no control or bidi-override characters")


class RejectCatalogIn(Expecting):
    reason: str = Field(max_length=MAX_REASON_LENGTH)


class AddProductIn(Expecting):
    sku: str = Field(max_length=MAX_SKU_LENGTH, description="Letters, digits, '.', '_' or '-'")
    name: str = Field(max_length=MAX_NAME_LENGTH, description="One line, no control or bidi-override characters")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    price: MoneyIn
    release_date: str | None = Field(default=None, max_length=10, description="ISO date (YYYY-MM-DD)")
    expiration_date: str | None = Field(default=None, max_length=10, description="ISO date (YYYY-MM-DD)")


class RepriceProductIn(Expecting):
    price: MoneyIn


OptionalBody = Annotated[Expecting, Body(default_factory=Expecting)]

TRANSITIONS: dict[str, Callable[[Catalog], None]] = {
    "submit": Catalog.submit_for_approval,
    "approve": Catalog.approve,
    "activate": Catalog.activate,
    "pause": Catalog.pause,
    "deprecate": Catalog.deprecate,
    "archive": Catalog.archive,
}


def build_router(module: Any) -> APIRouter:
    """`module` is the CatalogModule: its command and query buses and its projection runners.
    Reading is public (shoppers browse); every write needs an administrator."""
    router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
    api = ModuleApi(module)

    @router.post("/catalogs", status_code=201, response_model=CommandAccepted, summary="Create a catalog")
    async def create_catalog(body: CreateCatalogIn, context: Context, _: Admin) -> CommandAccepted:
        return await api.accepted(CreateCatalog(**body.model_dump()), context)

    @router.get("/catalogs", response_model=list[CatalogOut], summary="List catalogs")
    async def list_catalogs(
        context: Context, page: Paged, status: Filter = None, min_position: MinPosition = None
    ) -> Any:
        return await api.ask(ListCatalogs(status, page.limit, page.offset), context, min_position)

    @router.get("/catalogs/{catalog_id}", response_model=CatalogOut, summary="One catalog, now or as of the past")
    async def get_catalog(catalog_id: Id, context: Context, when: When) -> Any:
        return await api.ask(GetCatalog(catalog_id, when.at), context, when.min_position)

    @router.get("/catalogs/{catalog_id}/history", response_model=HistoryOut, summary="The catalog's events")
    async def catalog_history(catalog_id: Id, context: Context, _: Admin) -> HistoryOut:
        return await api.history(Catalog.stream_id_for(catalog_id), GetCatalogHistory(catalog_id), context)

    async def change(
        catalog_id: str, body: Expecting, behaviour: Callable[[Catalog], None], context: MessageContext
    ) -> CommandAccepted:
        command = ChangeCatalog(catalog_id=catalog_id, change=behaviour, expected_version=body.expected_version)
        return await api.accepted(command, context)

    for action, behaviour in TRANSITIONS.items():
        _transition_route(router, action, behaviour, change)

    @router.post("/catalogs/{catalog_id}/rename", response_model=CommandAccepted, summary="Rename a catalog")
    async def rename_catalog(catalog_id: Id, body: RenameCatalogIn, context: Context, _: Admin) -> CommandAccepted:
        return await change(catalog_id, body, lambda catalog: catalog.rename(body.name), context)

    @router.post("/catalogs/{catalog_id}/reject", response_model=CommandAccepted, summary="Reject a catalog")
    async def reject_catalog(catalog_id: Id, body: RejectCatalogIn, context: Context, _: Admin) -> CommandAccepted:
        return await change(catalog_id, body, lambda catalog: catalog.reject(body.reason), context)

    @router.post(
        "/catalogs/{catalog_id}/products", status_code=201, response_model=CommandAccepted, summary="Add a product"
    )
    async def add_product(catalog_id: Id, body: AddProductIn, context: Context, _: Admin) -> CommandAccepted:
        sku, price = Sku(body.sku), Price(body.price.amount, body.price.currency)
        window = SalesWindow.parse(body.release_date, body.expiration_date)
        return await change(
            catalog_id,
            body,
            lambda catalog: catalog.add_product(sku, body.name, body.description, price, window),
            context,
        )

    @router.post(
        "/catalogs/{catalog_id}/products/{sku}/reprice", response_model=CommandAccepted, summary="Reprice a product"
    )
    async def reprice_product(
        catalog_id: Id, sku: SkuPath, body: RepriceProductIn, context: Context, _: Admin
    ) -> CommandAccepted:
        product, price = Sku(sku), Price(body.price.amount, body.price.currency)
        return await change(catalog_id, body, lambda catalog: catalog.reprice_product(product, price), context)

    @router.post(
        "/catalogs/{catalog_id}/products/{sku}/remove", response_model=CommandAccepted, summary="Remove a product"
    )
    async def remove_product(
        catalog_id: Id, sku: SkuPath, body: OptionalBody, context: Context, _: Admin
    ) -> CommandAccepted:
        product = Sku(sku)
        return await change(catalog_id, body, lambda catalog: catalog.remove_product(product), context)

    @router.get("/products", response_model=list[ProductOut], summary="Products of active catalogs: what can be sold")
    async def active_products(context: Context, page: Paged, min_position: MinPosition = None) -> Any:
        return await api.ask(ListActiveProducts(page.limit, page.offset), context, min_position)

    return router


def _transition_route(router: APIRouter, action: str, behaviour: Callable[[Catalog], None], change: Any) -> None:
    async def transition(catalog_id: Id, body: OptionalBody, context: Context, _: Admin) -> CommandAccepted:
        result: CommandAccepted = await change(catalog_id, body, behaviour, context)
        return result

    router.add_api_route(
        f"/catalogs/{{catalog_id}}/{action}",
        transition,
        methods=["POST"],
        response_model=CommandAccepted,
        summary=f"{action.capitalize()} a catalog",
        name=f"{action}_catalog",
    )
