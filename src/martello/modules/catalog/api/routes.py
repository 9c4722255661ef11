"""The catalog's HTTP API, mounted under /api/v1/catalog. Commands are intent-named POSTs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from martello.kernel.envelope import MessageContext
from martello.kernel.read_your_writes import wait_for_position
from martello.modules.catalog.api.schemas import (
    AddProductIn,
    CatalogOut,
    CreateCatalogIn,
    ProductOut,
    RejectCatalogIn,
    RepriceProductIn,
)
from martello.modules.catalog.application import commands as c
from martello.modules.catalog.application.queries import (
    GetCatalog,
    GetCatalogHistory,
    ListActiveProducts,
    ListCatalogs,
)
from martello.modules.catalog.domain.catalog import Catalog
from martello.web.auth import Admin
from martello.web.commands import CommandAccepted, Context, Expecting
from martello.web.history import HistoryOut, history
from martello.web.params import AsOf, AsOfVersion, Filter, Id, Limit, MinPosition, Offset, SkuPath

OptionalBody = Annotated[Expecting, Body(default_factory=Expecting)]

TRANSITIONS: dict[str, type[c.CatalogCommand]] = {
    "submit": c.SubmitCatalogForApproval,
    "approve": c.ApproveCatalog,
    "activate": c.ActivateCatalog,
    "pause": c.PauseCatalog,
    "deprecate": c.DeprecateCatalog,
    "archive": c.ArchiveCatalog,
}


def build_router(module: Any) -> APIRouter:
    """`module` is the CatalogModule: its command and query buses and its projection runners.
    Reading is public (shoppers browse); every write needs an administrator."""
    router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
    commands, queries = module.commands, module.queries

    async def accepted(command: object, context: MessageContext) -> CommandAccepted:
        return CommandAccepted.of(await commands.dispatch(command, context))

    async def caught_up(position: int | None) -> None:
        await wait_for_position(module.projections.values(), position)

    @router.post("/catalogs", status_code=201, response_model=CommandAccepted, summary="Create a catalog")
    async def create_catalog(body: CreateCatalogIn, context: Context, _: Admin) -> CommandAccepted:
        return await accepted(c.CreateCatalog(body.name, body.description), context)

    @router.get("/catalogs", response_model=list[CatalogOut], summary="List catalogs")
    async def list_catalogs(
        context: Context,
        status: Filter = None,
        limit: Limit = 100,
        offset: Offset = 0,
        min_position: MinPosition = None,
    ) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(ListCatalogs(status, limit, offset), context)

    @router.get("/catalogs/{catalog_id}", response_model=CatalogOut, summary="One catalog, now or as of the past")
    async def get_catalog(
        catalog_id: Id,
        context: Context,
        as_of_version: AsOfVersion = None,
        as_of: AsOf = None,
        min_position: MinPosition = None,
    ) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(GetCatalog(catalog_id, as_of_version, as_of), context)

    @router.get("/catalogs/{catalog_id}/history", response_model=HistoryOut, summary="The catalog's events")
    async def catalog_history(catalog_id: Id, context: Context, _: Admin) -> HistoryOut:
        envelopes = await queries.dispatch(GetCatalogHistory(catalog_id), context)
        return history(Catalog.stream_id_for(catalog_id), envelopes)

    for action, command_type in TRANSITIONS.items():
        _transition_route(router, action, command_type, accepted)

    @router.post("/catalogs/{catalog_id}/reject", response_model=CommandAccepted, summary="Reject a catalog")
    async def reject_catalog(catalog_id: Id, body: RejectCatalogIn, context: Context, _: Admin) -> CommandAccepted:
        return await accepted(c.RejectCatalog(catalog_id, body.expected_version, body.reason), context)

    @router.post(
        "/catalogs/{catalog_id}/products", status_code=201, response_model=CommandAccepted, summary="Add a product"
    )
    async def add_product(catalog_id: Id, body: AddProductIn, context: Context, _: Admin) -> CommandAccepted:
        command = c.AddProduct(
            catalog_id,
            body.expected_version,
            sku=body.sku,
            name=body.name,
            description=body.description,
            price_amount=body.price.amount,
            currency=body.price.currency,
            release_date=body.release_date,
            expiration_date=body.expiration_date,
        )
        return await accepted(command, context)

    @router.post(
        "/catalogs/{catalog_id}/products/{sku}/reprice", response_model=CommandAccepted, summary="Reprice a product"
    )
    async def reprice_product(
        catalog_id: Id, sku: SkuPath, body: RepriceProductIn, context: Context, _: Admin
    ) -> CommandAccepted:
        command = c.RepriceProduct(catalog_id, body.expected_version, sku, body.price.amount, body.price.currency)
        return await accepted(command, context)

    @router.post(
        "/catalogs/{catalog_id}/products/{sku}/remove", response_model=CommandAccepted, summary="Remove a product"
    )
    async def remove_product(
        catalog_id: Id, sku: SkuPath, body: OptionalBody, context: Context, _: Admin
    ) -> CommandAccepted:
        return await accepted(c.RemoveProduct(catalog_id, body.expected_version, sku), context)

    @router.get("/products", response_model=list[ProductOut], summary="Products of active catalogs: what can be sold")
    async def active_products(
        context: Context,
        limit: Limit = 100,
        offset: Offset = 0,
        min_position: MinPosition = None,
    ) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(ListActiveProducts(limit, offset), context)

    return router


def _transition_route(router: APIRouter, action: str, command_type: type[c.CatalogCommand], accepted: Any) -> None:
    async def transition(catalog_id: Id, body: OptionalBody, context: Context, _: Admin) -> CommandAccepted:
        result: CommandAccepted = await accepted(command_type(catalog_id, body.expected_version), context)
        return result

    router.add_api_route(
        f"/catalogs/{{catalog_id}}/{action}",
        transition,
        methods=["POST"],
        response_model=CommandAccepted,
        summary=f"{action.capitalize()} a catalog",
        name=f"{action}_catalog",
    )
