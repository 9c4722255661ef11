"""Value objects of a user account: who they are called, where to reach them, what they may do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH
from martello.kernel.limits import MAX_PASSWORD_LENGTH as MAX_PASSWORD_LENGTH

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,31}")

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = re.compile(rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
"""A pragmatic well-formedness check (RFC 5321 dot-atom local part, a DNS domain with a letters-only TLD);
quoted local parts, IP-literal domains and non-ASCII addresses are refused. Only a sent mail proves more."""

MIN_PASSWORD_LENGTH = 10
DISPLAY_NAME_LIMIT = MAX_DISPLAY_NAME_LENGTH


@dataclass(frozen=True, slots=True)
class Username:
    """3-32 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.
    Case is kept for display but ignored for identity: `Alice` and `alice` are the same name."""

    value: str

    def __post_init__(self) -> None:
        if not USERNAME_PATTERN.fullmatch(self.value):
            raise InvalidValue(
                "username", "a username is 3-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )

    @classmethod
    def parse(cls, text: str) -> Username:
        return cls(text.strip())

    @property
    def key(self) -> str:
        """What makes two usernames the same."""
        return self.value.lower()

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A well-formed e-mail address; compared ignoring case (see `key`)."""

    value: str

    def __post_init__(self) -> None:
        if len(self.value) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.fullmatch(self.value) or len(self.local_part) > 64:
            raise InvalidValue("email", "an e-mail address looks like name@example.com")

    @classmethod
    def parse(cls, text: str) -> EmailAddress:
        return cls(text.strip())

    @classmethod
    def confirmed(cls, text: str, confirmation: str) -> EmailAddress:
        """The address typed twice at sign-up: both must be the same address (ignoring case and spaces)."""
        address = cls.parse(text)
        if confirmation.strip().lower() != address.key:
            raise InvalidValue("emailConfirmation", "the e-mail confirmation does not match the e-mail address")
        return address

    @property
    def local_part(self) -> str:
        return self.value.rpartition("@")[0]

    @property
    def key(self) -> str:
        """What makes two addresses the same: this shop treats the whole address as case-insensitive."""
        return self.value.lower()

    def __str__(self) -> str:
        return self.value


def unique_keys(username: Username, email: EmailAddress) -> tuple[tuple[str, str], ...]:
    """The rule "no two accounts share a username or an e-mail address", as the keys an account claims."""
    return (("username", username.key), ("email", email.key))


@dataclass(frozen=True, slots=True)
class Password:
    """A password in clear as the user chose it: checked, hashed, then forgotten. Never stored, never logged
    (its repr hides it).

    Strength rules, judged on what remains once the username and the e-mail's local part are taken out of it
    (ignoring case), so `alice12345` is weak for alice:
    - at least 10 characters (at most 256 in all);
    - at least one letter and at least one digit.
    """

    plain: str = field(repr=False)

    @classmethod
    def chosen(cls, plain: str, username: Username, email: EmailAddress) -> Password:
        if len(plain) > MAX_PASSWORD_LENGTH:
            raise InvalidValue("password", f"a password has at most {MAX_PASSWORD_LENGTH} characters")
        rest = plain
        for known in (username.value, email.local_part):
            if len(known) >= 3:
                rest = re.sub(re.escape(known), "", rest, flags=re.IGNORECASE)
        if len(rest) < MIN_PASSWORD_LENGTH:
            raise InvalidValue(
                "password",
                f"a password needs at least {MIN_PASSWORD_LENGTH} characters, not counting your username or e-mail",
            )
        if not any(c.isalpha() for c in rest) or not any(c.isdigit() for c in rest):
            raise InvalidValue("password", "a password needs at least one letter and one digit")
        return cls(plain)


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text)
        except ValueError:
            raise InvalidValue("role", f"a role is one of: {', '.join(r.value for r in cls)}") from None


def display_name(text: str | None) -> str | None:
    """How the user wants to be called: trimmed, at most 100 printable characters; blank means none."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    if len(cleaned) > DISPLAY_NAME_LIMIT:
        raise InvalidValue("display_name", f"a display name has at most {DISPLAY_NAME_LIMIT} characters")
    if not cleaned.isprintable():
        raise InvalidValue("display_name", "a display name cannot hold control characters")
    return cleaned
