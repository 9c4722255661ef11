"""An account's history over HTTP (its events with their envelopes, the password hash redacted; the user or
an administrator) and the account as of a version or an instant."""

from __future__ import annotations

from typing import Any

from martello.kernel.events import REDACTED
from tests.conftest import ShopClient
from tests.time_travel import LiveAnswers
from tests.user.test_user_http import API, FAST, PASSWORD, Shop, fields_of, problem_of, sign_in, sign_up


async def read(client: ShopClient, path: str, headers: dict[str, str], **params: str | int) -> dict[str, Any]:
    response = await client.get(f"{API}{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def change_profile(client: ShopClient, headers: dict[str, str], name: str | None, locale: str) -> int:
    changed = await client.put(f"{API}/me/profile", json={"display_name": name, "locale": locale}, headers=headers)
    assert changed.status_code == 200, changed.text
    position: int = changed.json()["position"]
    return position


async def stored_password_hash(client: ShopClient, user_id: str) -> str:
    store = client.app.state.shop.modules["user"].context.store
    registered = (await store.read_stream(f"user-{user_id}"))[0].event
    password_hash: str = registered.password_hash
    return password_hash


async def test_a_user_and_administrators_read_the_accounts_history_without_the_password_hash(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        alice = await sign_in(client, "alice")
        await change_profile(client, {**alice, "X-Correlation-ID": "profile-1"}, "Alice", "de_DE.UTF-8")
        promoted = await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"}, headers=client.admin)
        assert promoted.status_code == 200, promoted.text
        assert (await client.get(f"{API}/me/history", headers=alice)).status_code == 401  # the customer's token
        alice = await sign_in(client, "alice")

        mine = await read(client, "/me/history", alice)
        assert (mine["stream_id"], mine["version"]) == (f"user-{user_id}", 4)
        registered, profiled, role_changed, revoked = mine["events"]
        assert [e["type"] for e in mine["events"]] == [
            "user.UserRegistered",
            "user.ProfileChanged",
            "user.RoleChanged",
            "user.SessionsRevoked",
        ]
        assert [(e["stream_version"], e["schema_version"]) for e in mine["events"]] == [(1, 1), (2, 1), (3, 1), (4, 1)]
        assert [e["actor"] for e in mine["events"]] == [None, user_id, "admin-1", "admin-1"]
        assert revoked["data"]["reason"] == "role-changed"
        assert profiled["correlation_id"] == "profile-1"
        assert all(e["message_id"] and e["causation_id"] and e["timestamp"] for e in mine["events"])
        assert registered["data"] == {
            "user_id": user_id,
            "username": "alice",
            "email": "alice@example.com",
            "password_hash": REDACTED,
            "role": "customer",
        }
        assert profiled["data"] == {"user_id": user_id, "display_name": "Alice", "locale": "de_DE.UTF-8"}
        assert role_changed["data"] == {"user_id": user_id, "role": "admin"}

        assert await read(client, f"/users/{user_id}/history", alice) == mine
        as_admin = await client.get(f"{API}/users/{user_id}/history", headers=client.admin)
        assert as_admin.json() == mine
        secret = await stored_password_hash(client, user_id)
        assert secret.startswith("$scrypt$")
        operator_view = await client.get(f"/api/v1/ops/streams/user-{user_id}", headers=client.admin)
        assert operator_view.status_code == 200
        for response in (await client.get(f"{API}/me/history", headers=alice), as_admin, operator_view):
            assert secret not in response.text and "scrypt" not in response.text


async def test_another_customers_or_a_missing_accounts_history_is_not_found(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
        as_bob = client.as_user(bob)

        hidden = await client.get(f"{API}/users/{alice}/history", headers=as_bob)
        unknown = await client.get(f"{API}/users/nobody/history", headers=as_bob)
        missing = await client.get(f"{API}/users/nobody/history", headers=client.admin)
        for response in (hidden, unknown, missing):
            assert response.status_code == 404
            assert problem_of(response)["code"] == "not-found"
        assert problem_of(hidden)["detail"].replace(alice, "nobody") == problem_of(unknown)["detail"]
        the_account_itself = await client.get(f"{API}/users/{alice}", headers=as_bob)
        assert problem_of(the_account_itself)["detail"] == problem_of(hidden)["detail"]
        assert (await client.get(f"{API}/me/history", headers=client.as_user("nobody"))).status_code == 404

        for path in ("/me/history", f"/users/{alice}/history"):
            anonymous = await client.get(f"{API}{path}")
            assert anonymous.status_code == 401, path
            assert problem_of(anonymous)["code"] == "unauthorized"


async def test_an_account_as_of_a_version_or_an_instant_is_the_account_then(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        alice = await sign_in(client, "alice")
        await change_profile(client, alice, "Alice", "de_DE.UTF-8")
        last = await change_profile(client, alice, None, "fr_FR")
        now = await read(client, "/me", alice, min_position=last)
        events = (await read(client, "/me/history", alice))["events"]

        signed_up = await read(client, "/me", alice, as_of_version=1)
        assert (signed_up["id"], signed_up["username"], signed_up["email"]) == (user_id, "alice", "alice@example.com")
        assert (signed_up["role"], signed_up["display_name"], signed_up["locale"]) == ("customer", None, None)
        assert (signed_up["version"], signed_up["created_at"], signed_up["updated_at"]) == (
            1,
            events[0]["timestamp"],
            events[0]["timestamp"],
        )
        named = await read(client, "/me", alice, as_of_version=2)
        assert (named["display_name"], named["locale"], named["version"]) == ("Alice", "de_DE.UTF-8", 2)
        assert (named["created_at"], named["updated_at"]) == (events[0]["timestamp"], events[1]["timestamp"])
        for version, event in enumerate(events, start=1):
            then = await read(client, "/me", alice, as_of=event["timestamp"])
            assert then == await read(client, f"/users/{user_id}", client.admin, as_of_version=version)
            assert then == await read(client, f"/users/{user_id}", alice, as_of_version=version)

        assert await read(client, "/me", alice, as_of_version=3) == now, "the latest version is the read model's view"
        assert await read(client, "/me", alice, as_of_version=99) == now
        assert await read(client, "/me", alice, as_of="2999-01-01T00:00:00Z") == now


async def test_an_account_before_it_existed_or_someone_elses_is_not_found(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
        before = await client.get(f"{API}/me", params={"as_of": "2000-01-01T00:00:00Z"}, headers=client.as_user(alice))
        assert before.status_code == 404
        assert problem_of(before)["code"] == "not-found"
        assert "at that point in time" in problem_of(before)["detail"]
        admin_before = await client.get(
            f"{API}/users/{alice}", params={"as_of": "2000-01-01T00:00:00Z"}, headers=client.admin
        )
        assert problem_of(admin_before)["detail"] == problem_of(before)["detail"]

        peek = await client.get(f"{API}/users/{alice}", params={"as_of_version": 1}, headers=client.as_user(bob))
        unknown = await client.get(f"{API}/users/nobody", params={"as_of_version": 1}, headers=client.as_user(bob))
        for response in (peek, unknown):
            assert response.status_code == 404
            assert problem_of(response)["code"] == "not-found"
        assert problem_of(peek)["detail"].replace(alice, "nobody") == problem_of(unknown)["detail"]

        for path in ("/me", f"/users/{alice}"):
            assert (await client.get(f"{API}{path}", params={"as_of_version": 1})).status_code == 401, path


async def test_bad_time_travel_parameters_are_refused(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        me = client.as_user(user_id)
        cases = [
            ({"as_of_version": 0}, "as_of_version"),
            ({"as_of_version": -1}, "as_of_version"),
            ({"as_of_version": "last"}, "as_of_version"),
            ({"as_of": "last tuesday"}, "as_of"),
            ({"as_of": "2024-02-30T10:00:00Z"}, "as_of"),
        ]
        for path in ("/me", f"/users/{user_id}"):
            for params, field in cases:
                response = await client.get(f"{API}{path}", params=params, headers=me)
                assert fields_of(response) == [field], (path, params)


async def test_at_every_version_time_travel_answers_what_the_live_account_view_answered(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        view = LiveAnswers(client, f"user-{user_id}", f"{API}/users/{user_id}", client.admin)
        await view.record()
        alice = await sign_in(client, "alice")
        await change_profile(client, alice, "Alice", "de_DE.UTF-8")
        await view.record()
        await change_profile(client, alice, None, "fr_FR")
        await view.record()
        body = {"current_password": PASSWORD, "new_password": "a much longer horse 2"}
        changed = await client.post(f"{API}/users/me/password", json=body, headers=alice)
        assert changed.status_code == 200, changed.text
        await view.record()
        promoted = await client.post(f"{API}/users/{user_id}/role", json={"role": "admin"}, headers=client.admin)
        assert promoted.status_code == 200, promoted.text
        await view.record()

        await view.assert_time_travel_answers_the_same()
