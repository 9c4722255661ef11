"""NATS stopped and started again while the shop runs: nothing is lost once it is back.

The services run on a private NATS server (the shared one must never be stopped). While it is
down, commands still succeed - their integration events wait in the outboxes - and `/readyz`
says the bus is unreachable; once it is back, the services reconnect and every order completes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
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
)
from tests.distributed.rebuild_check import assert_read_models_equal_a_rebuild
from tests.distributed.services import Topology, environment, shop_of
from tests.servers import NatsServer, private_nats, require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

LAYOUT = (("front", "user,catalog,cart"), ("back-1", "warehouse,order,analytics"), ("back-2", "order"))


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    with private_nats(tmp_path / "nats") as server:
        yield server


@pytest.fixture
async def topology(tmp_path: Path, nats_server: NatsServer, namespace: str) -> AsyncIterator[Topology]:
    store_url = require_postgres()
    topology = Topology(tmp_path / "services", environment(store_url, nats_server.url, namespace), LAYOUT)
    await topology.start()
    try:
        yield topology
    finally:
        await topology.close()
        await drop_namespace(store_url, nats_server.url, namespace)


async def readiness(service_url: str) -> tuple[int, dict[str, bool]]:
    async with httpx.AsyncClient(base_url=service_url) as client:
        answer = await client.get("/readyz")
    body = answer.json()
    return answer.status_code, body.get("modules", {})


async def test_orders_placed_while_nats_is_down_complete_once_it_is_back(
    topology: Topology, nats_server: NatsServer, namespace: str, tmp_path: Path
) -> None:
    shop = shop_of(topology)
    try:
        await open_shop(shop, {"POT": 3000}, {"POT": 20})
        cooks = await asyncio.gather(*(customer(shop, f"chef{n}") for n in range(6)))
        before = [await check_out(shop, cooks[n], {"POT": 1}) for n in range(3)]

        nats_server.stop()

        async def bus_down() -> bool | None:
            status, modules = await readiness(topology["front"].url)
            return True if status == 503 and modules.get("message-bus") is False else None

        await eventually(bus_down, "/readyz reports the message bus unreachable")
        during = [await check_out(shop, cooks[n], {"POT": 2}) for n in range(3, 6)]  # their events wait in outboxes

        async def waiting_in_the_cart_outbox() -> int | None:
            async with await psycopg.AsyncConnection.connect(require_postgres()) as connection:
                cursor = await connection.execute(f'SELECT count(*) FROM "{namespace}cart".outbox')
                row = await cursor.fetchone()
            return row[0] if row and row[0] >= 3 else None

        await eventually(waiting_in_the_cart_outbox, "the checkouts' messages to wait in the cart's outbox")

        nats_server.start()

        async def all_ready() -> bool | None:
            answers = [await readiness(service.url) for service in topology.services]
            return True if all(status == 200 for status, _ in answers) else None

        await eventually(all_ready, "every service is ready again")
        orders = [
            await order_of_cart(shop, cooks[n], cart_id, TERMINAL_AFTER_PLACED)
            for n, cart_id in enumerate(before + during)
        ]
        assert [order["status"] for order in orders] == ["confirmed"] * 6

        async def reserved() -> dict[str, int] | None:
            stock = ok(await shop["warehouse"].get("/api/v1/warehouse/stock/POT", headers=shop.admin))
            return stock if stock["reserved"] == 3 * 1 + 3 * 2 else None

        await eventually(reserved, "the warehouse reserved every order's pots once")
        await assert_read_models_equal_a_rebuild(require_postgres(), namespace, tmp_path / "rebuilt", topology.modules)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{topology.logs()}") from failure
