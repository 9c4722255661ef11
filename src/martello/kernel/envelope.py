"""The envelope every stored or published message travels in."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from martello.kernel.events import Event, to_public_data
from martello.kernel.ids import new_id

E = TypeVar("E", bound=Event, covariant=True)

current_correlation: ContextVar[str | None] = ContextVar("current_correlation", default=None)
"""The correlation id of the request or message being handled in this task, for logs."""


@dataclass(frozen=True, slots=True)
class MessageContext:
    """Who acts and why: carried from a request to every message it causes.

    `correlation_id` is shared by every message of one flow; `causation_id` names the message
    (command or event) that directly caused the next one; `actor` is the acting user's id.
    """

    correlation_id: str
    causation_id: str
    actor: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def new(cls, actor: str | None = None, roles: frozenset[str] = frozenset()) -> MessageContext:
        message_id = new_id()
        return cls(correlation_id=message_id, causation_id=message_id, actor=actor, roles=roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


@dataclass(frozen=True, slots=True)
class Envelope(Generic[E]):
    """An event with everything known about it once stored (or published)."""

    message_id: str
    type: str
    schema_version: int
    """The schema version the event was stored with; `event` is always upcast to the current one."""
    stream_id: str
    stream_version: int
    position: int
    timestamp: datetime
    correlation_id: str
    causation_id: str
    actor: str | None
    event: E

    @property
    def context(self) -> MessageContext:
        """The context for messages this one causes."""
        return MessageContext(self.correlation_id, self.message_id, self.actor)

    def describe(self) -> dict[str, Any]:
        """The envelope as plain JSON-ready data for people (history listings, tails); secret fields redacted."""

        return {
            "message_id": self.message_id,
            "type": self.type,
            "schema_version": self.schema_version,
            "stream_id": self.stream_id,
            "stream_version": self.stream_version,
            "position": self.position,
            "timestamp": self.timestamp.isoformat(),
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "actor": self.actor,
            "data": to_public_data(self.event),
        }
