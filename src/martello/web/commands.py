"""Shared shapes and helpers for module HTTP APIs: the command response and read-your-writes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from martello.kernel.dispatch import CommandResult
from martello.kernel.envelope import MessageContext, current_correlation
from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_COUNTER
from martello.kernel.projection import ProjectionRunner
from martello.web.auth import Principal, optional_principal
from martello.web.problems import ReadModelBehind

CORRELATION_HEADER = "X-Correlation-ID"
READ_WAIT_SECONDS = 5.0


class Strict(BaseModel):
    """Request bodies: unknown fields are refused and types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Expecting(Strict):
    """A command body that may say which stream version the caller last saw (409 if stale)."""

    expected_version: int | None = Field(
        default=None, ge=0, le=MAX_COUNTER, description="The stream version last seen: 0 to 2^53 - 1"
    )


class CommandAccepted(BaseModel):
    id: str
    stream_version: int
    """The aggregate's version after the command."""
    position: int
    """The global position of the last event written; pass it as `min_position` to read your write."""

    @classmethod
    def of(cls, result: CommandResult) -> CommandAccepted:
        return cls(id=result.id, stream_version=result.stream_version, position=result.position)


async def request_context(  # async: no worker-thread hop (see martello.web.auth)
    request: Request, principal: Annotated[Principal | None, Depends(optional_principal)]
) -> MessageContext:
    """The message context of one HTTP request: its correlation id (kept if the caller sent one) and actor."""
    if principal is None:
        context = MessageContext.new()
    else:
        context = MessageContext.new(actor=principal.user_id, roles=principal.roles)
    correlation = request.headers.get(CORRELATION_HEADER)
    if correlation and 0 < len(correlation) <= 128:
        context = MessageContext(correlation, context.causation_id, context.actor, context.roles)
    request.state.correlation_id = context.correlation_id
    current_correlation.set(context.correlation_id)
    return context


Context = Annotated[MessageContext, Depends(request_context)]
"""A route parameter carrying the request's message context (correlation id, acting user)."""


async def wait_for_position(runners: Iterable[ProjectionRunner], position: int | None) -> None:
    """Read your own writes: hold a query until every given projection has reached `position` (503 if that takes
    longer than READ_WAIT_SECONDS); a position past the end of the log is an invalid `min_position` (422)."""
    if not position:
        return
    runners = list(runners)
    if any(runner.position < position for runner in runners):
        stores = {id(runner.store): runner.store for runner in runners}.values()
        head = max(await asyncio.gather(*(store.head() for store in stores)))
        if position > head:  # never written: waiting could not help
            raise InvalidValue("min_position", f"position {position} has not been written; the log ends at {head}")
    reached = await asyncio.gather(*(runner.wait_for(position, READ_WAIT_SECONDS) for runner in runners))
    if not all(reached):
        raise ReadModelBehind(
            f"the read model has not reached position {position} within {READ_WAIT_SECONDS:g}s; retry later",
            min_position=position,
        )
