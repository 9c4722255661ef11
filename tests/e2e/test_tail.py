"""The live tail of the log (`martello events tail`): what is appended after it started, in order, by module."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.runtime.operations import tail
from martello.runtime.shop import Shop
from tests.conftest import ShopClient
from tests.e2e.test_catalog_http import API, create_active_catalog

WAIT = 30.0
"""The most any expected event may take to show up: a bound on the test, never a measurement."""
Tailed = tuple[str, Envelope[Event]]
Marker = Callable[[], Awaitable[tuple[str, int]]]
"""Appends one event that the tails follow; returns its stream id and version."""


class Tail:
    """`tail(...)` iterated in a task, its items collected in a queue."""

    def __init__(self, shop: Shop, modules: Collection[str] | None, types: Collection[str] | None) -> None:
        self.items: asyncio.Queue[Tailed] = asyncio.Queue()
        self.task = asyncio.create_task(self._follow(shop, modules, types))

    async def _follow(self, shop: Shop, modules: Collection[str] | None, types: Collection[str] | None) -> None:
        async for item in tail(shop, modules, types, poll=0.01):
            await self.items.put(item)

    async def next(self, timeout: float = WAIT) -> Tailed:
        if self.task.done():
            self.task.result()  # the tail failed: say why
        return await asyncio.wait_for(self.items.get(), timeout)

    async def until(self, found: Callable[[Envelope[Event]], bool]) -> list[Tailed]:
        """Everything tailed up to and including the first event `found` accepts."""
        seen = [await self.next()]
        while not found(seen[-1][1]):
            seen.append(await self.next())
        return seen

    async def skip_to(self, event: tuple[str, int], timeout: float) -> None:
        """Drop what is tailed up to and including this event (stream id, version)."""
        while True:
            _, envelope = await self.next(timeout)
            if (envelope.stream_id, envelope.stream_version) == event:
                return

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@contextlib.asynccontextmanager
async def tailing(
    client: ShopClient, modules: Collection[str] | None = None, types: Collection[str] | None = None
) -> AsyncIterator[Tail]:
    followed = Tail(client.app.state.shop, modules, types)
    try:
        yield followed
    finally:
        await followed.stop()


async def all_live(append_marker: Marker, *tails: Tail) -> None:
    """Return once every tail follows the log, with nothing queued. A tail starts from the head it finds
    when it starts, which the test cannot observe: append markers until every tail has the latest one
    (a tail that started after a marker was appended never sees that one)."""
    for _ in range(60):
        latest = await append_marker()
        try:
            for followed in tails:
                await followed.skip_to(latest, timeout=0.5)
            return
        except TimeoutError:
            continue
    raise AssertionError("the tails never started following the log")


async def create_catalog(client: ShopClient, name: str = "Marker") -> str:
    created = await client.post(f"{API}/catalogs", json={"name": name}, headers=client.admin)
    assert created.status_code == 201, created.text
    catalog_id: str = created.json()["id"]
    return catalog_id


async def add_product(client: ShopClient, catalog_id: str, sku: str) -> tuple[str, int]:
    body = {"sku": sku, "name": sku, "price": {"amount": 100, "currency": "EUR"}}
    added = await client.post(f"{API}/catalogs/{catalog_id}/products", json=body, headers=client.admin)
    assert added.status_code == 201, added.text
    return f"catalog-{catalog_id}", added.json()["stream_version"]


async def test_the_tail_yields_new_events_in_order_with_their_module(shop: Any) -> None:
    async with shop(("catalog", "warehouse")) as client:
        before = await create_catalog(client, "Before the tail")

        async def marker() -> tuple[str, int]:
            return f"catalog-{await create_catalog(client)}", 1

        async with tailing(client, modules=["catalog"]) as catalog_only, tailing(client) as everything:
            await all_live(marker, catalog_only, everything)
            received = await client.post(
                "/api/v1/warehouse/stock/HAT/receive", json={"quantity": 3}, headers=client.admin
            )
            assert received.status_code == 200
            catalog_id = await create_active_catalog(client, {"HAT": 1999, "CAP": 500})
            repriced = await client.post(
                f"{API}/catalogs/{catalog_id}/products/HAT/reprice",
                json={"price": {"amount": 1500}},
                headers=client.admin,
            )
            assert repriced.status_code == 200
            end, _ = await marker()

            tailed = await catalog_only.until(lambda e: e.stream_id == end)
            assert [(module, e.stream_id, e.stream_version, e.type) for module, e in tailed] == [
                ("catalog", f"catalog-{catalog_id}", 1, "catalog.CatalogCreated"),
                ("catalog", f"catalog-{catalog_id}", 2, "catalog.ProductAdded"),
                ("catalog", f"catalog-{catalog_id}", 3, "catalog.ProductAdded"),
                ("catalog", f"catalog-{catalog_id}", 4, "catalog.CatalogSubmittedForApproval"),
                ("catalog", f"catalog-{catalog_id}", 5, "catalog.CatalogApproved"),
                ("catalog", f"catalog-{catalog_id}", 6, "catalog.CatalogActivated"),
                ("catalog", f"catalog-{catalog_id}", 7, "catalog.ProductRepriced"),
                ("catalog", end, 1, "catalog.CatalogCreated"),
            ], "only what was appended after the tail started, only the catalog's, in the order appended"
            positions = [e.position for _, e in tailed]
            assert positions == sorted(positions) and len(set(positions)) == len(positions)
            assert tailed[-1][1].position == repriced.json()["position"] + 1
            assert all(e.stream_id != f"catalog-{before}" for _, e in tailed)

            stock = [(m, e) for m, e in await everything.until(lambda e: e.stream_id == end) if m == "warehouse"]
            assert [(m, e.stream_id, e.type, e.event.sku) for m, e in stock] == [  # type: ignore[attr-defined]
                ("warehouse", "warehouse-main", "warehouse.StockReceived", "HAT")
            ], "without a module filter the warehouse's events come too, named by their module"


async def test_the_tail_can_follow_some_event_types_only(shop: Any) -> None:
    async with shop(("catalog",)) as client:
        scratch = await create_catalog(client, "Markers")
        markers = iter(range(1000))

        async def marker() -> tuple[str, int]:
            return await add_product(client, scratch, f"MARK-{next(markers)}")

        types = ["catalog.ProductAdded", "catalog.ProductRepriced"]
        async with tailing(client, modules=["catalog"], types=types) as products:
            await all_live(marker, products)
            catalog_id = await create_active_catalog(client, {"HAT": 1999, "CAP": 500})
            await client.post(
                f"{API}/catalogs/{catalog_id}/products/CAP/reprice",
                json={"price": {"amount": 450}},
                headers=client.admin,
            )
            await add_product(client, scratch, "MARK-END")

            tailed = await products.until(lambda e: getattr(e.event, "sku", None) == "MARK-END")
            assert [(e.type, e.stream_id, e.event.sku) for _, e in tailed] == [  # type: ignore[attr-defined]
                ("catalog.ProductAdded", f"catalog-{catalog_id}", "HAT"),
                ("catalog.ProductAdded", f"catalog-{catalog_id}", "CAP"),
                ("catalog.ProductRepriced", f"catalog-{catalog_id}", "CAP"),
                ("catalog.ProductAdded", f"catalog-{scratch}", "MARK-END"),
            ], "the catalog's creation and walk to active are not of these types"
            assert {module for module, _ in tailed} == {"catalog"}
            assert tailed[0][1].schema_version == 2, "tailed events are read like any other: as their current version"
