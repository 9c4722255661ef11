"""Shared shapes of module HTTP APIs: strict request bodies, the command response and the request's context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from martello.kernel.dispatch import CommandResult
from martello.kernel.envelope import MessageContext, current_correlation
from martello.kernel.limits import MAX_COUNTER
from martello.web.auth import Principal, optional_principal

CORRELATION_HEADER = "X-Correlation-ID"


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
