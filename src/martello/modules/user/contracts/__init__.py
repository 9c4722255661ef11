"""What the user context tells other modules (versioned integration events)."""

from __future__ import annotations

from martello.kernel.events import Event, event


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
