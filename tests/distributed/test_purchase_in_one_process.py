"""The purchase scenario with every module in one process, on PostgreSQL + NATS JetStream."""

from __future__ import annotations

import pytest

from tests.distributed.conftest import StartShop
from tests.distributed.purchase import Shop, purchase_scenario

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


async def test_the_purchase_scenario_on_the_servers(shop: StartShop) -> None:
    async with shop(extra={"password_hash_cost": "10"}) as client:
        apis = dict.fromkeys(("user", "catalog", "warehouse", "cart", "order", "analytics"), client)
        await purchase_scenario(Shop(apis, client.admin))
