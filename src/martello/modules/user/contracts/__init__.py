"""What the user context tells other modules (versioned integration events).

`TokensRevoked` is declared by the kernel (every process must decode it, whatever modules it runs: each
module refuses revoked tokens) and published by this context."""

from __future__ import annotations

from martello.kernel.events import Event, event
from martello.kernel.sessions import TokensRevoked

__all__ = ["TokensRevoked", "UserRegistered", "UserRoleChanged"]


@event("user.public.UserRegistered", version=1)
class UserRegistered(Event):
    user_id: str
    username: str
    role: str
    """"customer" or "admin"."""


@event("user.public.UserRoleChanged", version=1)
class UserRoleChanged(Event):
    user_id: str
    role: str
