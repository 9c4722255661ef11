"""Changing a user's role or password, and signing out, revoke that user's older tokens at once, in every
module: the user module at once, the others when `user.public.TokensRevoked` reaches their `<module>.sessions`
consumer. A new sign-in gives a token with the new state."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.bus import InProcessBus
from martello.kernel.module import ModuleContext
from martello.runtime.app import create_app
from martello.runtime.registry import module_class
from martello.runtime.shop import Shop as RunningShop
from tests.conftest import ShopClient, shop_settings
from tests.user.test_user_http import API, FAST, PASSWORD, Shop, problem_of, sign_in, sign_up

CATALOGS = "/api/v1/catalog/catalogs"


async def eventually(probe: Callable[[], Awaitable[bool]], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g}s: {what}")
        await asyncio.sleep(0.02)


async def set_role(client: ShopClient, user_id: str, role: str) -> None:
    changed = await client.post(f"{API}/users/{user_id}/role", json={"role": role}, headers=client.admin)
    assert changed.status_code == 200, changed.text


async def create_catalog(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post(CATALOGS, json={"name": "Summer"}, headers=headers)


async def test_a_demoted_admins_old_token_stops_working_in_every_module(shop: Shop) -> None:
    """An admin demoted to customer is not an admin any longer with the token issued before, anywhere."""
    async with shop(extra=FAST) as client:
        boss = await sign_up(client, "boss")
        await set_role(client, boss, "admin")
        old = await sign_in(client, "boss")
        assert (await create_catalog(client, old)).status_code == 201

        await set_role(client, boss, "customer")
        at_once = await client.get(f"{API}/users", headers=old)
        assert at_once.status_code == 401
        assert problem_of(at_once)["code"] == "unauthorized"
        assert "revoked" in problem_of(at_once)["detail"]

        async def catalog_refuses() -> bool:
            return (await create_catalog(client, old)).status_code == 401

        await eventually(catalog_refuses, "the catalog refuses the demoted admin's old token")
        new = await sign_in(client, "boss")
        assert (await client.get(f"{API}/me", headers=new)).json()["role"] == "customer"
        forbidden = await create_catalog(client, new)
        assert forbidden.status_code == 403


def service(directory: Path, bus: InProcessBus, modules: tuple[str, ...]) -> RunningShop:
    """One service of a split shop: its modules on their own SQLite files, on a bus shared with the others."""
    settings = shop_settings(directory, modules, extra=FAST)
    running = RunningShop(settings, bus=bus)
    for name in modules:
        database = SqliteDatabase(directory / f"{name}.db")
        store = SqliteEventStore(database, clock=running.clock)
        context = ModuleContext(name, store, database, bus, running.clock, settings.module_settings(name))
        running.databases.append(database)
        running.modules[name] = module_class(name)(context)
    return running


@asynccontextmanager
async def serving(running: RunningShop) -> AsyncIterator[ShopClient]:
    app = create_app(running.settings, shop=running)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), ShopClient(transport=transport, base_url="http://shop.test") as client:
        client.app = app
        yield client


async def test_a_separate_catalog_service_learns_the_revocation_from_the_user_services_event(tmp_path: Path) -> None:
    """User and catalog as two services (two apps, two sets of databases): the catalog checks tokens against
    its own `token_revocations`, fed by its `catalog.sessions` consumer."""
    bus = InProcessBus()
    users, catalogs = service(tmp_path / "user", bus, ("user",)), service(tmp_path / "catalog", bus, ("catalog",))
    async with serving(users) as user_api, serving(catalogs) as catalog_api:
        boss = await sign_up(user_api, "boss")
        await set_role(user_api, boss, "admin")
        old = await sign_in(user_api, "boss")
        assert (await create_catalog(catalog_api, old)).status_code == 201

        await set_role(user_api, boss, "customer")

        async def catalog_refuses() -> bool:
            return (await create_catalog(catalog_api, old)).status_code == 401

        await eventually(catalog_refuses, "the catalog service refuses the old token")
        database = catalogs.modules["catalog"].context.database
        handled = await database.read(
            lambda tx: tx.execute("SELECT count(*) FROM inbox WHERE consumer = 'catalog.sessions'").fetchone()[0]
        )
        assert handled == 2  # the promotion's and the demotion's revocation, each once
        new = await sign_in(user_api, "boss")
        assert (await create_catalog(catalog_api, new)).status_code == 403
        assert (await create_catalog(catalog_api, user_api.admin)).status_code == 201  # other users unaffected


async def test_signing_out_revokes_every_token_of_the_user_until_then(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "dora")
        first, second = await sign_in(client, "dora"), await sign_in(client, "dora")
        signed_out = await client.delete(f"{API}/sessions/current", headers=second)
        assert signed_out.status_code == 204
        for token in (first, second):
            assert (await client.get(f"{API}/me", headers=token)).status_code == 401
        assert (await client.delete(f"{API}/sessions/current", headers=second)).status_code == 401
        assert (await client.delete(f"{API}/sessions/current")).status_code == 401

        again = await sign_in(client, "dora")
        me = await client.get(f"{API}/me", headers=again)
        assert me.status_code == 200
        history = await client.get(f"{API}/me/history", headers=again)
        assert [e["type"] for e in history.json()["events"]][-1] == "user.SessionsRevoked"


async def test_a_revocation_touches_only_its_user(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "erin")
        await sign_up(client, "fred")
        erin, fred = await sign_in(client, "erin"), await sign_in(client, "fred")
        assert (await client.delete(f"{API}/sessions/current", headers=erin)).status_code == 204
        assert (await client.get(f"{API}/me", headers=fred)).status_code == 200
        assert (await client.get(f"{API}/me", headers=erin)).status_code == 401


async def test_changing_the_password_revokes_older_tokens_and_answers_a_new_one(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        await sign_up(client, "gwen")
        other_device = await sign_in(client, "gwen")
        this_device = await sign_in(client, "gwen")
        body = {"current_password": PASSWORD, "new_password": "a brand new secret 2"}
        changed = await client.post(f"{API}/users/me/password", json=body, headers=this_device)
        assert changed.status_code == 200, changed.text
        assert changed.json()["roles"] == ["customer"]
        fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}

        assert (await client.get(f"{API}/me", headers=fresh)).status_code == 200
        for old in (other_device, this_device):
            assert (await client.get(f"{API}/me", headers=old)).status_code == 401
        old_password = await client.post(f"{API}/sessions", json={"username": "gwen", "password": PASSWORD})
        assert old_password.status_code == 401
        assert await sign_in(client, "gwen", "a brand new secret 2")
