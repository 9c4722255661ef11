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
