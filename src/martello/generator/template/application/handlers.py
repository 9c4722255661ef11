"""Command handlers: create a widget, or load one,
run the behaviour asked for and append what it recorded."""

from __future__ import annotations

from martello.generator.template.application.commands import ChangeWidget, CreateWidget
from martello.generator.template.domain.widget import Widget
from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository


def register(commands: CommandBus, widgets: Repository[Widget], new_id: IdProvider) -> None:
    @commands.handler
    async def create_widget(command: CreateWidget, context: MessageContext) -> CommandResult:
        return await widgets.create(Widget.create(new_id(), command.name), context)

    @commands.handler
    async def change_widget(command: ChangeWidget, context: MessageContext) -> CommandResult:
        return await widgets.change(
            command.widget_id, command.change, context, expected_version=command.expected_version
        )
