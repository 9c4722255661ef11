"""Command handlers: load one catalog, call one behaviour, append what it recorded."""

from __future__ import annotations

from collections.abc import Callable

from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.catalog.application.commands import (
    ActivateCatalog,
    AddProduct,
    ApproveCatalog,
    ArchiveCatalog,
    CatalogCommand,
    CreateCatalog,
    DeprecateCatalog,
    PauseCatalog,
    RejectCatalog,
    RemoveProduct,
    RepriceProduct,
    SubmitCatalogForApproval,
)
from martello.modules.catalog.domain.catalog import Catalog
from martello.modules.catalog.domain.values import Price, SalesWindow, Sku

LIFECYCLE: dict[type[CatalogCommand], Callable[[Catalog], None]] = {
    SubmitCatalogForApproval: Catalog.submit_for_approval,
    ApproveCatalog: Catalog.approve,
    ActivateCatalog: Catalog.activate,
    PauseCatalog: Catalog.pause,
    DeprecateCatalog: Catalog.deprecate,
    ArchiveCatalog: Catalog.archive,
}


def register(commands: CommandBus, catalogs: Repository[Catalog], new_id: IdProvider) -> None:
    @commands.handler
    async def create_catalog(command: CreateCatalog, context: MessageContext) -> CommandResult:
        return await catalogs.create(Catalog.create(new_id(), command.name, command.description), context)

    async def change_lifecycle(command: CatalogCommand, context: MessageContext) -> CommandResult:
        transition = LIFECYCLE[type(command)]
        return await catalogs.change(command.catalog_id, transition, context, expected_version=command.expected_version)

    for command_type in LIFECYCLE:
        commands.register(command_type, change_lifecycle)

    @commands.handler
    async def reject_catalog(command: RejectCatalog, context: MessageContext) -> CommandResult:
        return await catalogs.change(
            command.catalog_id, lambda c: c.reject(command.reason), context, expected_version=command.expected_version
        )

    @commands.handler
    async def add_product(command: AddProduct, context: MessageContext) -> CommandResult:
        sku = Sku(command.sku)
        price = Price(command.price_amount, command.currency)
        window = SalesWindow.parse(command.release_date, command.expiration_date)
        return await catalogs.change(
            command.catalog_id,
            lambda c: c.add_product(sku, command.name, command.description, price, window),
            context,
            expected_version=command.expected_version,
        )

    @commands.handler
    async def reprice_product(command: RepriceProduct, context: MessageContext) -> CommandResult:
        sku, price = Sku(command.sku), Price(command.price_amount, command.currency)
        return await catalogs.change(
            command.catalog_id,
            lambda c: c.reprice_product(sku, price),
            context,
            expected_version=command.expected_version,
        )

    @commands.handler
    async def remove_product(command: RemoveProduct, context: MessageContext) -> CommandResult:
        sku = Sku(command.sku)
        return await catalogs.change(
            command.catalog_id, lambda c: c.remove_product(sku), context, expected_version=command.expected_version
        )
