"""`martello demo` fills a shop through its HTTP API, and running it twice adds nothing twice."""

from __future__ import annotations

from martello.modules.user.application.bootstrap import DEV_ADMIN_PASSWORD, DEV_ADMIN_USERNAME
from martello.runtime.demo import CUSTOMERS, Demo
from tests.conftest import ShopClient


async def test_the_demo_fills_the_shop_and_can_run_again(client: ShopClient) -> None:
    said: list[str] = []
    await Demo(client, say=said.append).run(DEV_ADMIN_USERNAME, DEV_ADMIN_PASSWORD)
    orders = (await client.get("/api/v1/order/orders", headers=client.admin)).json()
    assert sorted(o["status"] for o in orders) == ["confirmed", "paid", "rejected", "shipped"]
    [rejected] = [o for o in orders if o["status"] == "rejected"]
    assert rejected["short_skus"] == ["PRINT-01"]

    said.clear()
    await Demo(client, say=said.append).run(DEV_ADMIN_USERNAME, DEV_ADMIN_PASSWORD)
    assert len((await client.get("/api/v1/order/orders", headers=client.admin)).json()) == len(orders)
    assert sum("earlier run" in line for line in said) == len(CUSTOMERS)
