"""What can be asked of the user context. Commands carry raw input; handlers turn it into value objects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RegisterUser:
    username: str
    email: str
    email_confirmation: str
    password: str = field(repr=False)
    role: str = "customer"


@dataclass(frozen=True, slots=True)
class UserCommand:
    user_id: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class ChangeProfile(UserCommand):
    display_name: str | None = None
    locale: str = ""


@dataclass(frozen=True, slots=True)
class ChangeRole(UserCommand):
    role: str = ""


@dataclass(frozen=True, slots=True)
class ChangePassword(UserCommand):
    """The signed-in user's new password, proven by the current one; `address` is the client's (throttling)."""

    current_password: str = field(default="", repr=False)
    new_password: str = field(default="", repr=False)
    address: str | None = None


@dataclass(frozen=True, slots=True)
class SignOut(UserCommand):
    """End every session of the user: their tokens issued until now stop counting."""
