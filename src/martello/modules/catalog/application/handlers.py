"""Command handlers: create a catalog, or load one, run the behaviour asked for and append what it recorded."""

from __future__ import annotations

from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.catalog.application.commands import ChangeCatalog, CreateCatalog
from martello.modules.catalog.domain.catalog import Catalog


def register(commands: CommandBus, catalogs: Repository[Catalog], new_id: IdProvider) -> None:
    @commands.handler
    async def create_catalog(command: CreateCatalog, context: MessageContext) -> CommandResult:
        return await catalogs.create(Catalog.create(new_id(), command.name, command.description), context)

    @commands.handler
    async def change_catalog(command: ChangeCatalog, context: MessageContext) -> CommandResult:
        return await catalogs.change(
            command.catalog_id, command.change, context, expected_version=command.expected_version
        )
