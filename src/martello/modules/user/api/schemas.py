"""Request and response bodies of the user API. Sign-up keeps the original API's camelCase field names."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from martello.web.commands import Expecting, Strict


class SignUpIn(Strict):
    username: str = Field(description="3-32 letters, digits, '.', '_' or '-'; unique, ignoring case")
    email: str = Field(description="Unique, ignoring case")
    email_confirmation: str = Field(alias="emailConfirmation", description="The same e-mail address again")
    password: str = Field(
        repr=False,
        description="At least 10 characters with a letter and a digit, not counting the username or e-mail name",
    )


class SignInIn(Strict):
    username: str | None = Field(default=None, description="A username or an e-mail address")
    email: str | None = Field(default=None, description="Alternatively, the e-mail address")
    password: str = Field(repr=False)


class SessionOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user_id: str
    roles: list[str]


class ProfileIn(Expecting):
    display_name: str | None = Field(default=None, description="How to address the user; omitted or blank: none")
    locale: str = Field(description="POSIX locale: language[_TERRITORY][.codeset][@modifier], e.g. de_DE.UTF-8")


class RoleIn(Expecting):
    role: str = Field(description="customer or admin")


class UserOut(BaseModel):
    id: str
    username: str
    email: str
    role: str
    display_name: str | None
    locale: str | None
    version: int
    created_at: str
    updated_at: str


class PasswordChangeIn(Expecting):
    current_password: str = Field(repr=False, max_length=256, description="The account's password now")
    new_password: str = Field(
        repr=False,
        max_length=256,
        description="At least 10 characters with a letter and a digit, not counting the username or e-mail name",
    )
