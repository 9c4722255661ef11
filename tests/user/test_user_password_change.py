"""Changing one's password (proving the current one, throttled like a sign-in), and hashes upgraded to the
configured parameters at the next sign-in."""

from __future__ import annotations

import httpx

from martello.modules.user.application.passwords import parameters
from martello.modules.user.application.throttle import ACCOUNT_LIMIT
from tests.conftest import ShopClient
from tests.user.test_user_http import API, FAST, PASSWORD, Shop, fields_of, problem_of, sign_in, sign_up

NEW_PASSWORD = "a brand new secret 2"


async def change(client: ShopClient, headers: dict[str, str], current: str, new: str = NEW_PASSWORD) -> httpx.Response:
    body = {"current_password": current, "new_password": new}
    return await client.post(f"{API}/users/me/password", json=body, headers=headers)


async def stored_events(client: ShopClient, user_id: str) -> list[str]:
    store = client.app.state.shop.modules["user"].context.store
    return [envelope.type for envelope in await store.read_stream(f"user-{user_id}")]


async def test_a_wrong_current_password_is_refused_naming_the_field_and_changes_nothing(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        auth = await sign_in(client, "alice")
        wrong = await change(client, auth, "not my password 1")
        assert wrong.status_code == 422
        assert fields_of(wrong) == ["current_password"]
        assert problem_of(wrong)["code"] == "wrong-password"
        weak = await change(client, auth, PASSWORD, "alice123456")
        assert fields_of(weak) == ["new_password"]
        missing = await client.post(f"{API}/users/me/password", json={"new_password": NEW_PASSWORD}, headers=auth)
        assert fields_of(missing) == ["current_password"]
        assert (await change(client, {}, PASSWORD)).status_code == 401
        assert await stored_events(client, user_id) == ["user.UserRegistered"]
        assert (await client.get(f"{API}/me", headers=auth)).status_code == 200  # nothing revoked


async def test_guessing_the_current_password_with_a_stolen_token_is_throttled(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "bob")
        auth = await sign_in(client, "bob")
        for i in range(ACCOUNT_LIMIT):
            assert fields_of(await change(client, auth, f"guess number {i}")) == ["current_password"]
        throttled = await change(client, auth, PASSWORD)
        assert throttled.status_code == 429
        assert throttled.headers["Retry-After"] == "1"
        signing_in = await client.post(f"{API}/sessions", json={"username": "bob", "password": PASSWORD})
        assert signing_in.status_code == 429  # the same account's count


async def test_a_hash_with_weaker_parameters_is_upgraded_at_the_next_sign_in(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:  # cost 4
        user_id = await sign_up(client, "carol")
    async with shop(("user",), extra={**FAST, "password_hash_cost": "6"}) as client:
        wrong = await client.post(f"{API}/sessions", json={"username": "carol", "password": "wrong password 1"})
        assert wrong.status_code == 401
        assert await stored_events(client, user_id) == ["user.UserRegistered"]  # only a success rehashes

        await sign_in(client, "carol")
        assert await stored_events(client, user_id) == ["user.UserRegistered", "user.PasswordRehashed"]
        user = await client.app.state.shop.modules["user"].users.load(user_id)
        assert parameters(user.password_hash) == (6, 8, 1)
        history = await client.get(f"{API}/me/history", headers=await sign_in(client, "carol"))
        assert history.json()["events"][-1]["data"]["password_hash"] == "***"
        assert await stored_events(client, user_id) == ["user.UserRegistered", "user.PasswordRehashed"]  # once
    async with shop(("user",), extra=FAST) as client:  # a lower cost configured later: nothing is downgraded
        await sign_in(client, "carol")
        assert len(await stored_events(client, user_id)) == 2
