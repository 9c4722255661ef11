"""Poison isolation on PostgreSQL + NATS JetStream: an undecodable row in a module's PostgreSQL event log
stalls one projection while the service starts and serves, and an upcaster plus a retry recovers it;
a message a consumer keeps failing on over JetStream is parked and acknowledged, later messages flow,
and a retry after the fix delivers it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from martello.adapters.postgres import PostgresDatabase
from martello.kernel.envelope import Envelope
from tests.distributed.conftest import StartShop
from tests.e2e.test_catalog_http import create_active_catalog
from tests.e2e.test_poison_recovery import ERROR, catalogs_status, upcaster_deployed  # noqa: F401
from tests.order.test_order_fulfilment import checkout

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

LEGACY_ROW = (
    "INSERT INTO events (position, stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) SELECT position + 1, 'catalog-legacy-0', 1, 'legacy-0',"
    " 'catalog.CatalogCreated', 0, '{\"catalog_id\": \"legacy-0\", \"title\": \"Pre-release\"}'::jsonb,"
    " '2024-01-01T00:00:00Z', 'legacy', 'legacy', NULL FROM log_head"
)


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)
    assert await check(), what


async def test_an_undecodable_row_in_postgresql_stalls_one_projection_until_an_upcaster_and_retry(
    shop: StartShop, servers: tuple[str, str], namespace: str, upcaster_deployed: Any  # noqa: F811
) -> None:
    async with shop(("catalog", "warehouse")) as client:
        await create_active_catalog(client, {"HAT": 1999})
    database = PostgresDatabase(servers[0], namespace + "catalog", pool_size=1)
    try:
        await database.write(
            lambda tx: (tx.execute(LEGACY_ROW), tx.execute("UPDATE log_head SET position = position + 1"))
        )
    finally:
        database.close()

    async with shop(("catalog", "warehouse")) as client:
        status = await catalogs_status(client)
        assert (status["status"], status["stall"]["error"]) == ("stalled", ERROR)
        ready = await client.get("/readyz")
        assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
        received = await client.post("/api/v1/warehouse/stock/HAT/receive", json={"quantity": 2}, headers=client.admin)
        assert received.status_code == 200, "the other module works"

        upcaster_deployed()
        retried = await client.post("/api/v1/ops/projections/catalog.catalogs/retry", headers=client.admin)
        assert retried.status_code == 200, retried.text
        assert (await catalogs_status(client))["status"] == "caught-up"
        assert (await client.get("/api/v1/catalog/catalogs/legacy-0")).json()["name"] == "Pre-release"


async def test_over_jetstream_a_failing_message_is_parked_and_acknowledged_and_later_ones_flow(
    shop: StartShop,
) -> None:
    async with shop(("order",)) as client:
        fulfilment = client.app.state.shop.modules["order"].consumers["order.fulfilment"]
        place, broken = fulfilment._place, {"cart-bad"}

        async def place_unless_broken(envelope: Envelope[Any]) -> None:
            if envelope.event.cart_id in broken:
                raise RuntimeError("bug")
            await place(envelope)

        fulfilment._place = place_unless_broken
        await client.app.state.shop.bus.publish([checkout("cart-bad", "u-1"), checkout("cart-2", "u-2")])

        async def orders_of(user: str) -> list[Any]:
            listed = await client.get("/api/v1/order/orders", headers=client.as_user(user))
            result: list[Any] = listed.json()
            return result

        async def letters() -> list[Any]:
            result: list[Any] = (await client.get("/api/v1/ops/dead-letters", headers=client.admin)).json()
            return result

        await eventually(lambda: _nonempty(orders_of("u-2")), "the message after the poison one flowed")
        await eventually(lambda: _nonempty(letters()), "the failing message is parked")
        [letter] = await letters()
        assert (letter["consumer"], letter["error"]) == ("order.fulfilment", "RuntimeError: bug")

        broken.clear()
        retried = await client.post(f"/api/v1/ops/dead-letters/{letter['id']}/retry", headers=client.admin)
        assert retried.status_code == 200, retried.text
        await eventually(lambda: _nonempty(orders_of("u-1")), "the retried message placed the order")
        assert await letters() == []


async def _nonempty(listing: Awaitable[list[Any]]) -> bool:
    return bool(await listing)
