"""The shop split into service processes, as `docker-compose.yml` runs it, with plain processes.

Eight `martello run --modules X` processes - one per module plus a second replica of order and of
warehouse - on spare ports, sharing PostgreSQL (a schema per module) and one NATS stream. The test
calls each service's HTTP API directly (round-robin over a module's replicas).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.distributed.conftest import drop_namespace
from tests.distributed.purchase import (
    TERMINAL_AFTER_PLACED,
    check_out,
    customer,
    eventually,
    ok,
    open_shop,
    order_of_cart,
    purchase_scenario,
    stock_of,
)
from tests.distributed.rebuild_check import assert_read_models_equal_a_rebuild
from tests.distributed.services import Topology, environment, shop_of

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

LAYOUT = (
    ("user", "user"),
    ("catalog", "catalog"),
    ("warehouse-1", "warehouse"),
    ("warehouse-2", "warehouse"),
    ("cart", "cart"),
    ("order-1", "order"),
    ("order-2", "order"),
    ("analytics", "analytics"),
)


@pytest.fixture
async def topology(tmp_path: Path, servers: tuple[str, str], namespace: str) -> AsyncIterator[Topology]:
    store_url, bus_url = servers
    topology = Topology(tmp_path / "services", environment(store_url, bus_url, namespace), LAYOUT)
    await topology.start()
    try:
        yield topology
    finally:
        await topology.close()
        await drop_namespace(store_url, bus_url, namespace)


async def test_the_purchase_scenario_across_service_processes(
    topology: Topology, servers: tuple[str, str], namespace: str, tmp_path: Path
) -> None:
    try:
        await purchase_scenario(shop_of(topology))
        await assert_read_models_equal_a_rebuild(servers[0], namespace, tmp_path / "rebuilt", topology.modules)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{topology.logs()}") from failure


async def test_a_replica_killed_mid_run_loses_and_duplicates_nothing(
    topology: Topology, servers: tuple[str, str], namespace: str, tmp_path: Path
) -> None:
    shop = shop_of(topology)
    received = {"PAN": 12, "LID": 40}
    try:
        await open_shop(shop, {"PAN": 2500, "LID": 700}, received)
        names = [f"cook{n}" for n in range(16)]
        customers = await asyncio.gather(*(customer(shop, name) for name in names))
        wants = [{"PAN": 1 + n % 2, "LID": 1} for n in range(len(names))]

        async def buy(n: int) -> str:
            return await check_out(shop, customers[n], wants[n])

        carts = list(await asyncio.gather(*(buy(n) for n in range(8))))
        topology["order-2"].kill()  # their orders are being placed and reserved right now
        topology["warehouse-2"].kill()
        carts += await asyncio.gather(*(buy(n) for n in range(8, 16)))

        orders = [
            await order_of_cart(shop, customers[n], cart_id, TERMINAL_AFTER_PLACED) for n, cart_id in enumerate(carts)
        ]
        everything = ok(await shop["order"].get("/api/v1/order/orders", params={"limit": 1000}, headers=shop.admin))
        assert Counter(order["cart_id"] for order in everything) == Counter(carts), "one order per checkout"

        confirmed = [order for order in orders if order["status"] == "confirmed"]
        rejected = [order for order in orders if order["status"] == "rejected"]
        assert confirmed and rejected, "16 cooks want 24 pans, 12 are in stock"
        assert all(order["short_skus"] == ["PAN"] for order in rejected)
        for sku, on_hand in received.items():
            reserved = sum(line["quantity"] for order in confirmed for line in order["lines"] if line["sku"] == sku)

            async def settled(sku: str = sku, reserved: int = reserved) -> dict[str, Any] | None:
                stock = await stock_of(shop, sku)
                return stock if stock["reserved"] == reserved else None

            stock = await eventually(settled, f"the warehouse reserved {reserved} {sku}")
            assert (stock["on_hand"], stock["available"]) == (on_hand, on_hand - reserved)
        await assert_read_models_equal_a_rebuild(servers[0], namespace, tmp_path / "rebuilt", topology.modules)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{topology.logs()}") from failure
