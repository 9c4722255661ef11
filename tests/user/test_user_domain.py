"""User rules: given past events, when a command, then new events or a named error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from martello.kernel.errors import InvalidValue
from martello.modules.user.application.integration import published_events
from martello.modules.user.contracts import TokensRevoked, UserRoleChanged
from martello.modules.user.contracts import UserRegistered as PublicUserRegistered
from martello.modules.user.domain.errors import CannotDemoteYourself
from martello.modules.user.domain.events import (
    PasswordChanged,
    PasswordRehashed,
    ProfileChanged,
    RoleChanged,
    SessionsRevoked,
    UserRegistered,
)
from martello.modules.user.domain.locale import Locale
from martello.modules.user.domain.user import User
from martello.modules.user.domain.values import (
    EmailAddress,
    Password,
    Role,
    Username,
    display_name,
    unique_keys,
)
from tests.given_when_then import given_events_of, then, then_refused

ID = "user-1"
HASH = "$scrypt$ln=4,r=8,p=1$c2FsdA$a2V5"
REGISTERED = UserRegistered(
    user_id=ID, username="Alice", email="Alice@Example.com", password_hash=HASH, role="customer"
)
PROMOTED = RoleChanged(user_id=ID, role="admin")
NOW = datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
NEW_HASH = "$scrypt$ln=17,r=8,p=1$c2FsdA$bmV3"


def revoked(reason: str) -> SessionsRevoked:
    return SessionsRevoked(user_id=ID, not_before="2026-05-01T12:00:00.123456+00:00", reason=reason)


given = given_events_of(User, ID)


def field_of(error: pytest.ExceptionInfo[InvalidValue]) -> str:
    return error.value.field


# -- the aggregate ---------------------------------------------------------------------------------


def test_registering_records_the_account_with_its_hash_and_role() -> None:
    user = User.register(ID, Username("Alice"), EmailAddress("Alice@Example.com"), HASH)
    then(user, REGISTERED)
    assert (user.username, user.role) == ("Alice", Role.CUSTOMER)


def test_an_account_claims_its_username_and_email_ignoring_case() -> None:
    assert unique_keys(Username("Alice"), EmailAddress("Alice@Example.com")) == (
        ("username", "alice"),
        ("email", "alice@example.com"),
    )


def test_changing_the_profile_records_the_name_and_locale() -> None:
    user = given(REGISTERED)
    user.change_profile("Alice A.", Locale.parse("de_DE.UTF-8@euro"))
    then(user, ProfileChanged(user_id=ID, display_name="Alice A.", locale="de_DE.UTF-8@euro"))
    assert user.locale == Locale("de", "DE", "UTF-8", "euro")


def test_an_unchanged_profile_records_nothing() -> None:
    user = given(REGISTERED, ProfileChanged(user_id=ID, display_name=None, locale="en_US"))
    user.change_profile(None, Locale("en", "US"))
    then(user)


def test_an_admin_can_promote_a_customer() -> None:
    user = given(REGISTERED)
    user.change_role(Role.ADMIN, by="admin-9", at=NOW)
    then(user, PROMOTED, revoked("role-changed"))


def test_giving_the_role_an_account_has_records_nothing() -> None:
    user = given(REGISTERED, PROMOTED)
    user.change_role(Role.ADMIN, by="admin-9", at=NOW)
    then(user)


def test_an_admin_cannot_demote_themselves() -> None:
    user = given(REGISTERED, PROMOTED)
    then_refused(user, lambda u: u.change_role(Role.CUSTOMER, by=ID, at=NOW), CannotDemoteYourself)
    then(user)


def test_another_admin_can_demote_an_admin() -> None:
    user = given(REGISTERED, PROMOTED)
    user.change_role(Role.CUSTOMER, by="admin-9", at=NOW)
    then(user, RoleChanged(user_id=ID, role="customer"), revoked("role-changed"))


def test_a_new_password_ends_every_session_before_it() -> None:
    user = given(REGISTERED)
    user.change_password(NEW_HASH, at=NOW)
    then(user, PasswordChanged(user_id=ID, password_hash=NEW_HASH), revoked("password-changed"))
    assert user.password_hash == NEW_HASH


def test_a_stronger_hash_of_the_same_password_ends_no_session() -> None:
    user = given(REGISTERED)
    user.rehash_password(NEW_HASH)
    then(user, PasswordRehashed(user_id=ID, password_hash=NEW_HASH))


def test_signing_out_ends_every_session_until_now() -> None:
    user = given(REGISTERED)
    user.sign_out(at=NOW)
    then(user, revoked("signed-out"))
    assert user.sessions_valid_from == "2026-05-01T12:00:00.123456+00:00"


def test_ended_sessions_are_published_as_tokens_revoked() -> None:
    user = given(REGISTERED)
    assert published_events(user, [revoked("signed-out")]) == [
        TokensRevoked(user_id=ID, not_before="2026-05-01T12:00:00.123456+00:00")
    ]
    assert published_events(user, [PasswordChanged(user_id=ID, password_hash=NEW_HASH)]) == []


def test_registration_and_role_changes_are_published_without_personal_data() -> None:
    user = User.register(ID, Username("Alice"), EmailAddress("a@example.com"), HASH)
    assert published_events(user, user.pending_events) == [
        PublicUserRegistered(user_id=ID, username="Alice", role="customer")
    ]
    assert published_events(user, [PROMOTED]) == [UserRoleChanged(user_id=ID, role="admin")]
    assert published_events(user, [ProfileChanged(user_id=ID, display_name=None, locale="en")]) == []


# -- value objects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bob", "Alice_99", "a.b-c", "x" * 32, "007"])
def test_usernames_of_letters_digits_and_separators_are_accepted(name: str) -> None:
    assert Username(name).value == name


@pytest.mark.parametrize("name", ["", "ab", "x" * 33, "-bob", ".bob", "bo b", "bob@home", "jürgen", "bob!"])
def test_other_usernames_are_refused(name: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Username(name)
    assert field_of(error) == "username"


def test_a_username_is_trimmed_and_its_identity_ignores_case() -> None:
    assert Username.parse("  Alice ").key == "alice"


@pytest.mark.parametrize("address", ["a@b.io", "first.last+tag@mail.example.com", "o'neil@x-y.example.org"])
def test_well_formed_emails_are_accepted(address: str) -> None:
    assert EmailAddress(address).value == address


@pytest.mark.parametrize(
    "address",
    ["", "plain", "@example.com", "a@", "a@b", "a@b.c", "a..b@example.com", ".a@example.com", "a b@example.com",
     "a@-example.com", "a@example..com", "a@example.com.", "a@@example.com", "x" * 65 + "@example.com",
     "a@" + "b" * 250 + ".com", "jürgen@example.com"],
)  # fmt: skip
def test_malformed_emails_are_refused(address: str) -> None:
    with pytest.raises(InvalidValue) as error:
        EmailAddress(address)
    assert field_of(error) == "email"


def test_the_email_confirmation_must_be_the_same_address_ignoring_case_and_spaces() -> None:
    assert EmailAddress.confirmed(" Alice@Example.com", "alice@example.com ").value == "Alice@Example.com"
    with pytest.raises(InvalidValue) as error:
        EmailAddress.confirmed("alice@example.com", "alice@example.org")
    assert field_of(error) == "emailConfirmation"


def test_a_malformed_email_is_named_before_its_confirmation() -> None:
    with pytest.raises(InvalidValue) as error:
        EmailAddress.confirmed("nope", "nope")
    assert field_of(error) == "email"


ALICE, ALICE_MAIL = Username("alice"), EmailAddress("wonder@example.com")


@pytest.mark.parametrize("password", ["correct horse 1", "0123456789a", "ünïcödé-pässwörd-7", "x1" * 128])
def test_strong_passwords_are_accepted(password: str) -> None:
    assert Password.chosen(password, ALICE, ALICE_MAIL).plain == password


@pytest.mark.parametrize(
    "password",
    [
        "short1",  # too short
        "onlyletters-here",  # no digit
        "1234567890123",  # no letter
        "alice12345",  # too short without the username
        "ALICE-12345678",  # ... ignoring case
        "wonder-1234",  # too short without the e-mail's local part
        "x1" * 128 + "y",  # too long
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Password.chosen(password, ALICE, ALICE_MAIL)
    assert field_of(error) == "password"


def test_the_development_admin_password_is_strong_enough_for_its_username() -> None:
    Password.chosen("martello-admin-1", Username("admin"), EmailAddress("admin@martello.local"))


def test_a_password_never_shows_in_a_repr() -> None:
    assert "secret" not in repr(Password("secret-123456"))


def test_roles_are_customer_or_admin() -> None:
    assert Role.parse("admin") is Role.ADMIN
    with pytest.raises(InvalidValue) as error:
        Role.parse("root")
    assert field_of(error) == "role"


def test_a_display_name_is_trimmed_and_blank_means_none() -> None:
    assert display_name("  Alice  ") == "Alice"
    assert display_name("   ") is None
    assert display_name(None) is None
    for bad in ("x" * 101, "tab\there"):
        with pytest.raises(InvalidValue) as error:
            display_name(bad)
        assert field_of(error) == "display_name"
