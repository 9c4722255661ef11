"""The user's values at their limits, and what each refusal says (field and message)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from martello.kernel.errors import InvalidValue
from martello.modules.user.domain.errors import CannotDemoteYourself
from martello.modules.user.domain.locale import FORMAT_HINT, Locale
from martello.modules.user.domain.user import User
from martello.modules.user.domain.values import (
    DISPLAY_NAME_LIMIT,
    EmailAddress,
    Password,
    Role,
    Username,
    display_name,
)

ALICE = Username("alice")
ALICE_MAIL = EmailAddress("alice.w@example.com")
USERNAME_RULE = "a username is 3-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
EMAIL_RULE = "an e-mail address looks like name@example.com"
SHORT_PASSWORD = "a password needs at least 10 characters, not counting your username or e-mail"

REFUSED: list[tuple[Callable[[], object], str, str]] = [
    (lambda: Username("ab"), "username", USERNAME_RULE),
    (lambda: Username("a" * 33), "username", USERNAME_RULE),
    (lambda: Username("_alice"), "username", USERNAME_RULE),
    (lambda: EmailAddress("alice"), "email", EMAIL_RULE),
    (lambda: EmailAddress("a" * 65 + "@example.com"), "email", EMAIL_RULE),
    (lambda: EmailAddress("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com"), "email", EMAIL_RULE),
    (lambda: EmailAddress.confirmed("a@example.com", "b@example.com"), "emailConfirmation",
     "the e-mail confirmation does not match the e-mail address"),
    (lambda: Password.chosen("x1" * 128 + "y", ALICE, ALICE_MAIL), "password", "a password has at most 256 characters"),
    (lambda: Password.chosen("alice1234", ALICE, ALICE_MAIL), "password", SHORT_PASSWORD),
    (lambda: Password.chosen("ALICE123456789", ALICE, ALICE_MAIL), "password", SHORT_PASSWORD),
    (lambda: Password.chosen("Alice.W123456", Username("bob12"), ALICE_MAIL), "password", SHORT_PASSWORD),
    (lambda: Password.chosen("abcx12345678", Username("abc"), EmailAddress("zz@x.example")), "password",
     SHORT_PASSWORD),
    (lambda: Password.chosen("abcdefghijk", ALICE, ALICE_MAIL), "password",
     "a password needs at least one letter and one digit"),
    (lambda: Password.chosen("12345678901", ALICE, ALICE_MAIL), "password",
     "a password needs at least one letter and one digit"),
    (lambda: Role.parse("root"), "role", "a role is one of: customer, admin"),
    (lambda: display_name("x" * (DISPLAY_NAME_LIMIT + 1)), "display_name", "a display name has at most 100 characters"),
    (lambda: display_name("Al\tice"), "display_name", "a display name cannot hold control characters"),
    (lambda: Locale.parse("not a locale"), "locale", FORMAT_HINT),
    (lambda: Locale("en", territory="usa"), "locale", FORMAT_HINT),
]  # fmt: skip


@pytest.mark.parametrize(("make", "field", "message"), REFUSED)
def test_a_refused_value_names_its_field_and_says_why(make: Callable[[], object], field: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        make()
    assert (refused.value.field, refused.value.message) == (field, message)


def test_values_at_their_limits_are_accepted() -> None:
    assert Username("abc").key == "abc" and str(Username("A" * 32)) == "A" * 32
    assert Username.parse("  Alice ").key == "alice"
    local = "a" * 64
    domain = "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"  # 64 + 1 + 189 = 254 characters
    longest = EmailAddress(f"{local}@{domain}")
    assert len(str(longest)) == 254 and longest.local_part == local
    assert EmailAddress.confirmed(" Alice@Example.com ", "alice@example.COM ").key == "alice@example.com"
    assert Password.chosen("x1" * 128, ALICE, ALICE_MAIL).plain == "x1" * 128
    assert Password.chosen("zz12345678", Username("bob"), EmailAddress("zz@x.example")).plain == "zz12345678", (
        "exactly 10 characters; a local part shorter than 3 is not taken out"
    )
    assert Role.parse("admin") is Role.ADMIN
    assert display_name("x" * DISPLAY_NAME_LIMIT) == "x" * DISPLAY_NAME_LIMIT
    assert display_name("  Al  ") == "Al" and display_name("  ") is None and display_name(None) is None


def test_a_password_never_shows_in_a_repr() -> None:
    assert "secret" not in repr(Password("secret12345"))


def test_a_new_account_has_no_profile_yet_and_an_admin_cannot_demote_themselves() -> None:
    fresh = User("u-1")
    assert (fresh.username, fresh.email, fresh.password_hash, fresh.role) == ("", "", "", Role.CUSTOMER)
    assert (fresh.display_name, fresh.locale) == (None, None)
    admin = User.register("u-1", ALICE, ALICE_MAIL, "hash", Role.ADMIN)
    admin = User.replay("u-1", admin.pending_events)
    with pytest.raises(CannotDemoteYourself) as refused:
        admin.change_role(Role.CUSTOMER, by="u-1", at=datetime(2026, 1, 1, tzinfo=UTC))
    assert refused.value.details == {"user_id": "u-1"}
    assert admin.pending_events == []
