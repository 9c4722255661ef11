"""What can be asked of the user context. Commands carry raw input; handlers turn it into value objects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterUser:
    username: str
    email: str
    email_confirmation: str
    password: str = field(repr=False)
    role: str = "customer"


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCommand:
    user_id: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeProfile(UserCommand):
    display_name: str | None
    locale: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRole(UserCommand):
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePassword(UserCommand):
    """The signed-in user's new password, proven by the current one; `address` is the client's (throttling)."""

    current_password: str = field(repr=False)
    new_password: str = field(repr=False)
    address: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignOut(UserCommand):
    """End every session of the user: every token issued to them until that instant stops counting."""
