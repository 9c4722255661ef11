"""Sign-in hardening across replicas on PostgreSQL + NATS JetStream: two replicas of the user service share
the throttle's counts, and a revocation reaches both replicas of a separate catalog service (their
`catalog.sessions` JetStream consumer is shared: one replica records it in their shared table)."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from tests.distributed.conftest import StartShop
from tests.user.test_user_http import API, FAST, PASSWORD, sign_in, sign_up
from tests.user.test_user_revocation import create_catalog, eventually, set_role
from tests.user.test_user_sign_in_throttling import attempt, refused

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


async def test_replicas_share_the_throttle_and_every_catalog_replica_refuses_a_revoked_token(shop: StartShop) -> None:
    async with AsyncExitStack() as stack:
        user_a = await stack.enter_async_context(shop(("user",), extra=FAST))
        user_b = await stack.enter_async_context(shop(("user",), extra=FAST))
        catalogs = [await stack.enter_async_context(shop(("catalog",), extra=FAST)) for _ in range(2)]

        boss = await sign_up(user_a, "boss")
        for i in range(5):  # five failures, alternating replicas
            assert (await attempt((user_a, user_b)[i % 2], "boss", "wrong password 1")).status_code == 401
        refused(await attempt(user_b, "boss", PASSWORD))
        refused(await attempt(user_a, "boss", PASSWORD))

        await set_role(user_a, boss, "admin")

        async def signed_in() -> bool:
            response = await attempt(user_b, "boss", PASSWORD)
            return response.status_code == 200 and response.json()["roles"] == ["admin"]

        await eventually(signed_in, "boss signs in as an admin once the wait is over", timeout=30)
        old = await sign_in(user_b, "boss")
        for catalog in catalogs:
            assert (await create_catalog(catalog, old)).status_code == 201

        await set_role(user_a, boss, "customer")
        assert (await user_a.get(f"{API}/users", headers=old)).status_code == 401  # where it changed: at once

        async def everywhere_refused() -> bool:
            answers = [await create_catalog(catalog, old) for catalog in catalogs]
            answers.append(await user_b.get(f"{API}/users", headers=old))
            return all(answer.status_code == 401 for answer in answers)

        await eventually(everywhere_refused, "every replica of user and catalog refuses the old token", timeout=30)
        new = await sign_in(user_b, "boss")
        for catalog in catalogs:
            assert (await create_catalog(catalog, new)).status_code == 403
