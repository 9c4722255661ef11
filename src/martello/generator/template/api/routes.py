"""The HTTP API of the workshop module, mounted under /api/v1/workshop.

Commands are intent-named POSTs; reading is public, every write needs an administrator; errors are problem
documents (`martello.web.problems`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from martello.generator.template.api.schemas import WidgetOut
from martello.generator.template.application.commands import ChangeWidget, CreateWidget
from martello.generator.template.application.queries import GetWidget, GetWidgetHistory, ListWidgets
from martello.generator.template.domain.widget import Widget
from martello.kernel.envelope import MessageContext
from martello.kernel.limits import MAX_NAME_LENGTH
from martello.kernel.read_your_writes import wait_for_position
from martello.web.auth import Admin
from martello.web.commands import CommandAccepted, Context, Expecting, Strict
from martello.web.history import HistoryOut, history
from martello.web.params import Id, Limit, MinPosition, Offset

NAME_DESCRIPTION = "One line, no control or bidi-override characters"


class CreateWidgetIn(Strict):
    name: str = Field(max_length=MAX_NAME_LENGTH, description=NAME_DESCRIPTION)


class RenameWidgetIn(Expecting):
    name: str = Field(max_length=MAX_NAME_LENGTH, description=NAME_DESCRIPTION)


OptionalBody = Annotated[Expecting, Body(default_factory=Expecting)]


def build_router(module: Any) -> APIRouter:
    """`module` is the WorkshopModule: its command and query buses and its projection runners."""
    router = APIRouter(prefix="/api/v1/workshop", tags=["workshop"])
    commands, queries = module.commands, module.queries

    async def accepted(command: object, context: MessageContext) -> CommandAccepted:
        return CommandAccepted.of(await commands.dispatch(command, context))

    async def caught_up(position: int | None) -> None:
        await wait_for_position(module.projections.values(), position)

    async def change(
        widget_id: str, body: Expecting, behaviour: Callable[[Widget], None], context: MessageContext
    ) -> CommandAccepted:
        command = ChangeWidget(widget_id=widget_id, change=behaviour, expected_version=body.expected_version)
        return await accepted(command, context)

    @router.post("/widgets", status_code=201, response_model=CommandAccepted, summary="Create a widget")
    async def create_widget(body: CreateWidgetIn, context: Context, _: Admin) -> CommandAccepted:
        return await accepted(CreateWidget(**body.model_dump()), context)

    @router.get("/widgets", response_model=list[WidgetOut], summary="List widgets")
    async def list_widgets(
        context: Context, limit: Limit = 100, offset: Offset = 0, min_position: MinPosition = None
    ) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(ListWidgets(limit, offset), context)

    @router.get("/widgets/{widget_id}", response_model=WidgetOut, summary="One widget")
    async def get_widget(widget_id: Id, context: Context, min_position: MinPosition = None) -> Any:
        await caught_up(min_position)
        return await queries.dispatch(GetWidget(widget_id), context)

    @router.get("/widgets/{widget_id}/history", response_model=HistoryOut, summary="The widget's events")
    async def widget_history(widget_id: Id, context: Context, _: Admin) -> HistoryOut:
        envelopes = await queries.dispatch(GetWidgetHistory(widget_id), context)
        return history(Widget.stream_id_for(widget_id), envelopes)

    @router.post("/widgets/{widget_id}/rename", response_model=CommandAccepted, summary="Rename a widget")
    async def rename_widget(widget_id: Id, body: RenameWidgetIn, context: Context, _: Admin) -> CommandAccepted:
        return await change(widget_id, body, lambda widget: widget.rename(body.name), context)

    @router.post("/widgets/{widget_id}/retire", response_model=CommandAccepted, summary="Retire a widget")
    async def retire_widget(widget_id: Id, body: OptionalBody, context: Context, _: Admin) -> CommandAccepted:
        return await change(widget_id, body, Widget.retire, context)

    return router
