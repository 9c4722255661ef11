"""What every module's routes do with their module: hand it a command, or ask it a query once its read
models have reached the position the caller wrote at (read your writes)."""

from __future__ import annotations

from typing import Any

from martello.kernel.envelope import MessageContext
from martello.kernel.read_your_writes import wait_for_position
from martello.web.commands import CommandAccepted
from martello.web.history import HistoryOut, history


class ModuleApi:
    """`module` is a module facade: its command and query buses and its projection runners."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.commands = module.commands
        self.queries = module.queries

    async def accepted(self, command: object, context: MessageContext) -> CommandAccepted:
        """Dispatch `command`; answer what it wrote (stream version and global position)."""
        return CommandAccepted.of(await self.commands.dispatch(command, context))

    async def ask(self, query: object, context: MessageContext, min_position: int | None = None) -> Any:
        """Dispatch `query` once every projection of the module has reached `min_position`."""
        await wait_for_position(self.module.projections.values(), min_position)
        return await self.queries.dispatch(query, context)

    async def history(self, stream_id: str, query: object, context: MessageContext) -> HistoryOut:
        """The events of `stream_id` with their envelopes, as `query` (which decides who may see them) answers."""
        return history(stream_id, await self.ask(query, context))
