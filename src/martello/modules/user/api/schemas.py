"""Request and response bodies of the user API. Sign-up keeps the original API's camelCase field names."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from martello.kernel.limits import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_LOCALE_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
)
from martello.web.commands import Expecting, Strict

# Padding around a username or an e-mail address is trimmed, so the schema allows a little more than the value.
_PADDED_USERNAME = MAX_USERNAME_LENGTH + 32
_PADDED_EMAIL = MAX_EMAIL_LENGTH + 32


class SignUpIn(Strict):
    username: str = Field(
        max_length=_PADDED_USERNAME, description="3-32 letters, digits, '.', '_' or '-'; unique, ignoring case"
    )
    email: str = Field(max_length=_PADDED_EMAIL, description="Unique, ignoring case; at most 254 characters")
    email_confirmation: str = Field(
        alias="emailConfirmation", max_length=_PADDED_EMAIL, description="The same e-mail address again"
    )
    password: str = Field(
        repr=False,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 10 characters with a letter and a digit, not counting the username or e-mail name",
    )


class SignInIn(Strict):
    username: str | None = Field(default=None, max_length=_PADDED_EMAIL, description="A username or an e-mail address")
    email: str | None = Field(default=None, max_length=_PADDED_EMAIL, description="Alternatively, the e-mail address")
    password: str = Field(repr=False, max_length=MAX_PASSWORD_LENGTH)


class SessionOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user_id: str
    roles: list[str]


class ProfileIn(Expecting):
    display_name: str | None = Field(
        default=None,
        max_length=MAX_DISPLAY_NAME_LENGTH + 32,
        description="How to address the user (at most 100 characters once trimmed); omitted or blank: none",
    )
    locale: str = Field(
        max_length=MAX_LOCALE_LENGTH,
        description="POSIX locale: language[_TERRITORY][.codeset][@modifier], e.g. de_DE.UTF-8",
    )


class RoleIn(Expecting):
    role: str = Field(max_length=16, description="customer or admin")


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
