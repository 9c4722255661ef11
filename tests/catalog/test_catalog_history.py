"""A catalog's time travel is its read model replayed: at every version it answers what the live view did."""

from __future__ import annotations

from typing import Any

from tests.conftest import ShopClient
from tests.time_travel import LiveAnswers

API = "/api/v1/catalog"


async def test_at_every_version_time_travel_answers_what_the_live_catalog_view_answered(client: ShopClient) -> None:
    admin = client.admin
    created = await client.post(f"{API}/catalogs", json={"name": "Summer", "description": "Hats"}, headers=admin)
    assert created.status_code == 201, created.text
    catalog = f"{API}/catalogs/{created.json()['id']}"
    view = LiveAnswers(client, f"catalog-{created.json()['id']}", catalog, {})
    await view.record()

    async def change(path: str, body: dict[str, Any] | None = None) -> None:
        response = await client.post(f"{catalog}{path}", json=body, headers=admin)
        assert response.status_code in (200, 201), response.text
        await view.record()

    await change("/products", {"sku": "HAT", "name": "Hat", "price": {"amount": 1999}, "release_date": "2020-01-01"})
    await change("/products", {"sku": "CAP", "name": "Cap", "description": "Red", "price": {"amount": 500}})
    await change("/products/HAT/reprice", {"price": {"amount": 2499, "currency": "USD"}})
    await change("/submit")
    await change("/reject", {"reason": "prices in two currencies"})
    await change("/products/HAT/remove")
    for action in ("submit", "approve", "activate", "pause"):
        await change(f"/{action}")
    await change("/products", {"sku": "HAT", "name": "Hat again", "price": {"amount": 1899}})
    for action in ("activate", "deprecate", "archive"):
        await change(f"/{action}")

    await view.assert_time_travel_answers_the_same()
