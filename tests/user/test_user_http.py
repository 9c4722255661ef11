"""The user context through HTTP only: sign up, sign in, profile, roles, the first admin; bad input refused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from tests.conftest import ShopClient

API = "/api/v1/user"
FAST = {"password_hash_cost": "4", "dev_admin": "false"}
PASSWORD = "correct horse 1"
Shop = Callable[..., AbstractAsyncContextManager[ShopClient]]


def sign_up_body(username: str, email: str | None = None, **changes: Any) -> dict[str, Any]:
    email = email or f"{username}@example.com"
    return {"username": username, "email": email, "emailConfirmation": email, "password": PASSWORD, **changes}


async def sign_up(client: ShopClient, username: str, email: str | None = None) -> str:
    response = await client.post(f"{API}/users", json=sign_up_body(username, email))
    assert response.status_code == 201, response.text
    user_id: str = response.json()["id"]
    return user_id


async def sign_in(client: ShopClient, login: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post(f"{API}/sessions", json={"username": login, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def problem_of(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in problem_of(response)["errors"]]


async def stored_events(client: ShopClient) -> int:
    head: int = await client.app.state.shop.modules["user"].context.store.head()
    return head


# -- sign up and sign in ------------------------------------------------------------------------------


async def test_a_customer_signs_up_signs_in_and_sees_their_account(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        signed_up = await client.post(f"{API}/users", json=sign_up_body("Alice", "Alice@Example.com"))
        assert signed_up.status_code == 201, signed_up.text
        user_id = signed_up.json()["id"]
        assert signed_up.json()["stream_version"] == 1

        session = await client.post(f"{API}/sessions", json={"username": "alice", "password": PASSWORD})
        assert session.status_code == 200, session.text
        token = session.json()
        assert token["token_type"] == "bearer"
        assert (token["user_id"], token["roles"]) == (user_id, ["customer"])
        assert token["expires_at"].endswith("Z")

        me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert me.status_code == 200, me.text
        account = me.json()
        assert (account["id"], account["username"], account["email"]) == (user_id, "Alice", "Alice@Example.com")
        assert (account["role"], account["locale"], account["display_name"]) == ("customer", None, None)
        assert "password" not in str(account) and "scrypt" not in str(account)


async def test_signing_in_works_with_the_email_too(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "bob", "Bob@Example.com")
        by_email = await client.post(f"{API}/sessions", json={"email": "bob@example.COM", "password": PASSWORD})
        assert by_email.status_code == 200, by_email.text
        in_username_field = await client.post(
            f"{API}/sessions", json={"username": "bob@example.com", "password": PASSWORD}
        )
        assert in_username_field.status_code == 200


async def test_wrong_credentials_get_401_without_saying_which_part_was_wrong(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "carol")
        wrong_password = await client.post(f"{API}/sessions", json={"username": "carol", "password": "nope-nope-1"})
        unknown_user = await client.post(f"{API}/sessions", json={"username": "nobody", "password": PASSWORD})
        for response in (wrong_password, unknown_user):
            assert response.status_code == 401
            assert problem_of(response)["code"] == "invalid-credentials"
        assert problem_of(wrong_password)["detail"] == problem_of(unknown_user)["detail"]

        neither = await client.post(f"{API}/sessions", json={"password": PASSWORD})
        assert fields_of(neither) == ["username"]
        both = await client.post(f"{API}/sessions", json={"username": "carol", "email": "c@x.io", "password": "x"})
        assert fields_of(both) == ["email"]


async def test_the_account_needs_a_valid_token(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        assert (await client.get(f"{API}/me")).status_code == 401
        forged = await client.get(f"{API}/me", headers={"Authorization": "Bearer abc.def"})
        assert forged.status_code == 401
        assert problem_of(forged)["code"] == "unauthorized"


# -- set validation and bad input ----------------------------------------------------------------------


async def test_usernames_and_emails_are_unique_ignoring_case(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "dave", "dave@example.com")
        before = await stored_events(client)

        same_name = await client.post(f"{API}/users", json=sign_up_body("DAVE", "other@example.com"))
        assert same_name.status_code == 409
        assert problem_of(same_name)["code"] == "already-taken"
        assert problem_of(same_name)["details"] == {"kind": "username"}

        same_email = await client.post(f"{API}/users", json=sign_up_body("david", "Dave@EXAMPLE.com"))
        assert same_email.status_code == 409
        assert problem_of(same_email)["details"] == {"kind": "email"}

        assert await stored_events(client) == before


async def test_racing_sign_ups_for_one_address_let_exactly_one_win(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        bodies = [sign_up_body(f"racer{i}", "race@example.com") for i in range(6)]
        responses = await asyncio.gather(*(client.post(f"{API}/users", json=body) for body in bodies))
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]
        assert await stored_events(client) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"emailConfirmation": "someone-else@example.com"}, "emailConfirmation"),
        ({"email": "not-an-email", "emailConfirmation": "not-an-email"}, "email"),
        ({"password": "short1"}, "password"),
        ({"password": "no-digits-at-all"}, "password"),
        ({"password": "erin1234567"}, "password"),  # the username does not count
        ({"username": "e"}, "username"),
        ({"username": "erin smith"}, "username"),
        ({"password": 1234567890}, "password"),
        ({"emailConfirmation": None}, "emailConfirmation"),
    ],
)
async def test_bad_sign_ups_are_refused_naming_the_field_and_store_nothing(
    shop: Shop, changes: dict[str, Any], field: str
) -> None:
    async with shop(("user",), extra=FAST) as client:
        response = await client.post(f"{API}/users", json={**sign_up_body("erin"), **changes})
        assert fields_of(response) == [field]
        assert await stored_events(client) == 0


async def test_sign_up_takes_the_original_camel_case_fields_only(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        body = sign_up_body("frank")
        body["email_confirmation"] = body.pop("emailConfirmation")
        response = await client.post(f"{API}/users", json=body)
        assert sorted(fields_of(response)) == ["emailConfirmation", "email_confirmation"]
        missing = await client.post(f"{API}/users", json={})
        assert sorted(fields_of(missing)) == ["email", "emailConfirmation", "password", "username"]
        malformed = await client.post(f"{API}/users", content=b"{nope", headers={"content-type": "application/json"})
        assert malformed.status_code == 400
        assert await stored_events(client) == 0


# -- profile ------------------------------------------------------------------------------------------


async def test_the_profile_takes_a_display_name_and_a_posix_locale(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "gina")
        auth = await sign_in(client, "gina")
        changed = await client.put(
            f"{API}/me/profile", json={"display_name": "  Gina G. ", "locale": "de_DE.UTF-8@euro"}, headers=auth
        )
        assert changed.status_code == 200, changed.text
        me = await client.get(f"{API}/me", params={"min_position": changed.json()["position"]}, headers=auth)
        assert (me.json()["display_name"], me.json()["locale"], me.json()["version"]) == (
            "Gina G.",
            "de_DE.UTF-8@euro",
            2,
        )

        unchanged = await client.put(
            f"{API}/me/profile", json={"display_name": "Gina G.", "locale": "de_DE.UTF-8@euro"}, headers=auth
        )
        assert unchanged.json()["stream_version"] == 2


async def test_a_bad_profile_is_refused_naming_the_field_and_stores_nothing(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "hank")
        auth = await sign_in(client, "hank")
        before = await stored_events(client)
        for body, field in (
            ({"locale": "en_us"}, "locale"),
            ({"locale": "english"}, "locale"),
            ({"locale": "de_DE.UTF-8@"}, "locale"),
            ({"display_name": "x" * 101, "locale": "en"}, "display_name"),
            ({"display_name": "Hank"}, "locale"),
        ):
            response = await client.put(f"{API}/me/profile", json=body, headers=auth)
            assert fields_of(response) == [field], body
        assert (await client.put(f"{API}/me/profile", json={"locale": "en"})).status_code == 401
        assert await stored_events(client) == before


# -- roles and authorization -------------------------------------------------------------------------


async def test_an_admin_promotes_a_customer_who_then_signs_in_as_admin(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "ivy")
        promoted = await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"}, headers=client.admin)
        assert promoted.status_code == 200, promoted.text
        assert promoted.json()["stream_version"] == 3  # RoleChanged, SessionsRevoked

        session = await client.post(f"{API}/sessions", json={"username": "ivy", "password": PASSWORD})
        assert session.json()["roles"] == ["admin"]
        listed = await client.get(
            f"{API}/users", params={"role": "admin", "min_position": promoted.json()["position"]}, headers=client.admin
        )
        assert [u["username"] for u in listed.json()] == ["ivy"]


async def test_role_changes_and_user_lists_are_for_admins_only(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "jack")
        auth = await sign_in(client, "jack")
        as_customer = await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"}, headers=auth)
        assert as_customer.status_code == 403
        assert problem_of(as_customer)["code"] == "forbidden"
        assert (await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"})).status_code == 401
        assert (await client.get(f"{API}/users", headers=auth)).status_code == 403
        assert (await client.get(f"{API}/users")).status_code == 401

        bad_role = await client.post(f"{API}/users/{user_id}/role", json={"role": "root"}, headers=client.admin)
        assert fields_of(bad_role) == ["role"]
        unknown = await client.post(f"{API}/users/nobody/role", json={"role": "admin"}, headers=client.admin)
        assert unknown.status_code == 404
        assert (await sign_in(client, "jack")) and await stored_events(client) == 1


async def test_a_customer_sees_only_their_own_account(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        kim = await sign_up(client, "kim")
        lee = await sign_up(client, "lee")
        kims_auth = await sign_in(client, "kim")
        assert (await client.get(f"{API}/users/{kim}", headers=kims_auth)).json()["username"] == "kim"
        others = await client.get(f"{API}/users/{lee}", headers=kims_auth)
        assert others.status_code == 404
        assert problem_of(others)["code"] == "not-found"
        assert (await client.get(f"{API}/users/{lee}", headers=client.admin)).json()["username"] == "lee"


# -- integration events ------------------------------------------------------------------------------


async def test_registrations_and_role_changes_are_published(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        received: list[Envelope[Event]] = []
        done = asyncio.Event()

        async def handler(envelope: Envelope[Event]) -> None:
            received.append(envelope)
            if len(received) == 2:
                done.set()

        client.app.state.shop.bus.subscribe(
            "test", {"user.public.UserRegistered", "user.public.UserRoleChanged"}, handler
        )
        user_id = await sign_up(client, "max")
        await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"}, headers=client.admin)
        await asyncio.wait_for(done.wait(), 10)
        assert [(e.type, e.stream_id) for e in received] == [
            ("user.public.UserRegistered", f"user-{user_id}"),
            ("user.public.UserRoleChanged", f"user-{user_id}"),
        ]
        assert received[0].event.username == "max"  # type: ignore[attr-defined]
        assert received[1].actor == "admin-1"


# -- the first admin ---------------------------------------------------------------------------------

CONFIGURED = {"password_hash_cost": "4", "admin_username": "root", "admin_email": "ops@example.com",
              "admin_password": "a-long-secret-42"}  # fmt: skip


async def test_the_first_admin_comes_from_the_settings_once(shop: Shop) -> None:
    async with shop(("user",), extra=CONFIGURED) as client:
        session = await client.post(f"{API}/sessions", json={"username": "root", "password": "a-long-secret-42"})
        assert session.status_code == 200, session.text
        assert session.json()["roles"] == ["admin"]
        dev = await client.post(f"{API}/sessions", json={"username": "admin", "password": "martello-admin-1"})
        assert dev.status_code == 401
        admin_id = session.json()["user_id"]
        self_demotion = await client.post(
            f"{API}/users/{admin_id}/role",
            json={"role": "customer"},
            headers={"Authorization": f"Bearer {session.json()['access_token']}"},
        )
        assert self_demotion.status_code == 409
        assert problem_of(self_demotion)["code"] == "cannot-demote-yourself"

    async with shop(("user",), extra=CONFIGURED) as restarted:  # same data directory
        assert await stored_events(restarted) == 1
        users = await restarted.get(f"{API}/users", headers=restarted.admin)
        assert [(u["username"], u["role"]) for u in users.json()] == [("root", "admin")]


async def test_a_weak_configured_admin_password_stops_the_start(shop: Shop) -> None:
    with pytest.raises(ValueError, match="password"):
        async with shop(("user",), extra={**CONFIGURED, "admin_password": "root12345"}):
            pass


async def test_the_development_admin_exists_by_default_with_a_warning(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="martello.user"):
        async with shop(("user",), extra={"password_hash_cost": "4"}) as client:
            session = await client.post(f"{API}/sessions", json={"username": "admin", "password": "martello-admin-1"})
            assert session.status_code == 200, session.text
            assert session.json()["roles"] == ["admin"]
            me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {session.json()['access_token']}"})
            assert me.json()["email"] == "admin@martello.local"
    assert any("DEV ADMIN" in record.getMessage() for record in caplog.records)


async def test_no_admin_is_made_when_the_development_admin_is_switched_off(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        assert await stored_events(client) == 0
        session = await client.post(f"{API}/sessions", json={"username": "admin", "password": "martello-admin-1"})
        assert session.status_code == 401
