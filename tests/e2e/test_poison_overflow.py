"""The issue's reproducer, whatever the input bounds at the edge: a price too large for any read model is in
the catalog's log (and outbox). The shop keeps serving and starts again; `catalog.catalogs` stalls at that
event with the OverflowError; the cart's price list parks the message and learns the ones after it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from martello.kernel.envelope import MessageContext
from martello.modules.catalog.contracts import SellableProductRepriced
from martello.modules.catalog.domain.events import ProductRepriced
from tests.conftest import ShopClient, running_shop, shop_settings
from tests.e2e.test_catalog_http import API, create_active_catalog
from tests.e2e.test_poison_recovery import catalogs_status

TOO_LARGE = 2**63  # one more than SQLite and PostgreSQL BIGINT hold


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20.0) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not await check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {timeout}s: {what}") from None


async def offers(client: ShopClient) -> dict[str, Any]:
    return {p["sku"]: p["price"]["amount"] for p in (await client.get("/api/v1/cart/products")).json()}


async def test_an_amount_no_read_model_can_hold_stalls_one_projection_and_parks_one_message(tmp_path: Path) -> None:
    settings = shop_settings(tmp_path / "var")
    async with running_shop(settings) as client:
        catalog_id = await create_active_catalog(client, {"HAT": 1999, "CAP": 500})
        await eventually(lambda: _equal(offers(client), {"HAT": 1999, "CAP": 500}), "the cart learns the prices")

        catalog = client.app.state.shop.modules["catalog"]
        poison = dict(catalog_id=catalog_id, sku="HAT", price_amount=TOO_LARGE, currency="EUR")
        await catalog.context.store.append(
            f"catalog-{catalog_id}",
            [ProductRepriced(**poison)],
            MessageContext.new(),
            expected_version=None,
            outbox=[SellableProductRepriced(**poison)],
        )
        repriced = await client.post(
            f"{API}/catalogs/{catalog_id}/products/CAP/reprice", json={"price": {"amount": 650}}, headers=client.admin
        )
        assert repriced.status_code == 200, "the catalog's commands still work"

        await eventually(lambda: _equal(offers(client), {"HAT": 1999, "CAP": 650}), "the message after it flowed")
        letters = (await client.get("/api/v1/ops/dead-letters", headers=client.admin)).json()
        assert [(d["module"], d["consumer"], d["type"]) for d in letters] == [
            ("cart", "cart.price-list", "catalog.public.SellableProductRepriced")
        ]
        assert letters[0]["error"].startswith("OverflowError:")
        await eventually(lambda: _stalled(client), "catalog.catalogs stalls")
        stall = (await catalogs_status(client))["stall"]
        assert stall["event_type"] == "catalog.ProductRepriced" and stall["error"].startswith("OverflowError:")

    async with running_shop(settings) as client:  # the shop starts again
        assert (await catalogs_status(client))["status"] == "stalled"
        assert (await client.get("/readyz")).json()["status"] == "degraded"
        products = {p["sku"]: p["price"]["amount"] for p in (await client.get(f"{API}/products")).json()}
        assert products == {"HAT": 1999, "CAP": 500}, "catalog reads answer from the last good state"


async def _equal(value: Awaitable[Any], expected: Any) -> bool:
    return bool(await value == expected)


async def _stalled(client: ShopClient) -> bool:
    return bool((await catalogs_status(client))["status"] == "stalled")
