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


@event("user.PasswordChanged", secret=("password_hash",))
class PasswordChanged(Event):
    """The user chose a new password (proving the current one)."""

    user_id: str
    password_hash: str


@event("user.PasswordRehashed", secret=("password_hash",))
class PasswordRehashed(Event):
    """The same password, hashed again with stronger parameters (at a sign-in, the only time it is known)."""

    user_id: str
    password_hash: str


@event("user.SessionsRevoked")
class SessionsRevoked(Event):
    """Every bearer token of the user issued before `not_before` stops counting."""

    user_id: str
    not_before: str
    """An ISO-8601 instant with its UTC offset."""
    reason: str
    """What caused it: "role-changed", "password-changed" or "signed-out"."""
