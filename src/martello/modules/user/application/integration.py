"""Translating user changes into the integration events other modules rely on (no e-mail, no hash).
Ended sessions are published as `TokensRevoked`, in the same append as the change that ends them."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.events import Event
from martello.modules.user import contracts
from martello.modules.user.domain.events import RoleChanged, SessionsRevoked, UserRegistered
from martello.modules.user.domain.user import User


def published_events(user: User, events: Sequence[Event]) -> list[Event]:
    messages: list[Event] = []
    for event in events:
        match event:
            case UserRegistered():
                messages.append(contracts.UserRegistered(user_id=user.id, username=event.username, role=event.role))
            case RoleChanged():
                messages.append(contracts.UserRoleChanged(user_id=user.id, role=event.role))
            case SessionsRevoked():
                messages.append(contracts.TokensRevoked(user_id=user.id, not_before=event.not_before))
    return messages
