"""Command and query dispatch: one handler per message type, registered by decorator.

commands = CommandBus()

@commands.handler
async def create_catalog(command: CreateCatalog, context: MessageContext) -> CommandResult:
    ...

result = await commands.dispatch(CreateCatalog(name="Summer"), context)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

from martello.kernel.envelope import MessageContext

M = TypeVar("M")
R = TypeVar("R")
Handler = Callable[[Any, MessageContext], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a command produced: where to find it and how far the log got, to read your own writes."""

    id: str
    """What the command created or changed, as a client addresses it: the aggregate's `resource_id` (its id;
    for a user's carts, the cart's)."""
    stream_version: int
    position: int


class Dispatcher:
    """Routes a message to the one handler registered for its type."""

    kind = "message"

    def __init__(self) -> None:
        self._handlers: dict[type, Handler] = {}

    def handler(self, fn: Callable[[M, MessageContext], Awaitable[R]]) -> Callable[[M, MessageContext], Awaitable[R]]:
        """Register `fn` for the type of its first parameter's annotation."""
        hints = get_type_hints(fn)
        message_type = hints[next(iter(hints))]
        self.register(message_type, fn)
        return fn

    def register(self, message_type: type, fn: Handler) -> None:
        if message_type in self._handlers:
            raise ValueError(f"{message_type.__name__} already has a {self.kind} handler")
        self._handlers[message_type] = fn

    async def dispatch(self, message: Any, context: MessageContext) -> Any:
        try:
            fn = self._handlers[type(message)]
        except KeyError:
            raise LookupError(f"no {self.kind} handler for {type(message).__name__}") from None
        return await fn(message, context)


class CommandBus(Dispatcher):
    kind = "command"


class QueryBus(Dispatcher):
    kind = "query"
