"""What happens to a user account, as past-tense facts. Type names are explicit and never change."""

from __future__ import annotations

from martello.kernel.events import Event, event


@event("user.UserRegistered", secret=("password_hash",))
class UserRegistered(Event):
    user_id: str
    username: str
    email: str
    password_hash: str
    """A self-describing scrypt hash (`$scrypt$ln=..,r=..,p=..$salt$key`), never the password."""
    role: str


@event("user.ProfileChanged")
class ProfileChanged(Event):
    user_id: str
    display_name: str | None
    locale: str
    """A POSIX locale such as `de_DE.UTF-8@euro`."""


@event("user.RoleChanged")
class RoleChanged(Event):
    user_id: str
    role: str
