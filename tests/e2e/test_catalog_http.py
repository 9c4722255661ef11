"""The catalog through HTTP only: create, fill, walk to active, sell; and bad input refused."""

from __future__ import annotations

from typing import Any

from tests.conftest import ShopClient

API = "/api/v1/catalog"


async def create_active_catalog(client: ShopClient, skus: dict[str, int]) -> str:
    created = await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=client.admin)
    assert created.status_code == 201, created.text
    catalog_id = created.json()["id"]
    for sku, amount in skus.items():
        body = {"sku": sku, "name": f"Product {sku}", "price": {"amount": amount, "currency": "EUR"}}
        added = await client.post(f"{API}/catalogs/{catalog_id}/products", json=body, headers=client.admin)
        assert added.status_code == 201, added.text
    for action in ("submit", "approve", "activate"):
        moved = await client.post(f"{API}/catalogs/{catalog_id}/{action}", headers=client.admin)
        assert moved.status_code == 200, moved.text
    return catalog_id


async def test_a_catalog_walked_to_active_sells_its_products(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"SKU-1": 1999, "SKU-2": 500})
    last = await client.post(
        f"{API}/catalogs/{catalog_id}/products/SKU-2/reprice", json={"price": {"amount": 650}}, headers=client.admin
    )
    position = last.json()["position"]

    products = await client.get(f"{API}/products", params={"min_position": position})
    assert products.status_code == 200
    assert [(p["sku"], p["price"]) for p in products.json()] == [
        ("SKU-1", {"amount": 1999, "currency": "EUR"}),
        ("SKU-2", {"amount": 650, "currency": "EUR"}),
    ]
    catalog = (await client.get(f"{API}/catalogs/{catalog_id}", params={"min_position": position})).json()
    assert catalog["status"] == "active"
    assert catalog["version"] == 7


async def test_time_travel_shows_the_catalog_as_it_was(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"SKU-1": 1999})
    before_activation = (await client.get(f"{API}/catalogs/{catalog_id}", params={"as_of_version": 3})).json()
    assert before_activation["status"] == "waiting-for-approval"
    assert (
        await client.get(f"{API}/catalogs/{catalog_id}", params={"as_of": "2000-01-01T00:00:00Z"})
    ).status_code == 404


def problem_of(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


async def test_bad_input_is_refused_with_a_problem_and_nothing_is_stored(client: ShopClient) -> None:
    admin = client.admin
    malformed = await client.post(
        f"{API}/catalogs", content=b"{not json", headers={**admin, "content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert problem_of(malformed)["code"] == "malformed-json"

    missing = await client.post(f"{API}/catalogs", json={}, headers=admin)
    assert missing.status_code == 422
    assert [e["field"] for e in problem_of(missing)["errors"]] == ["name"]

    mistyped = await client.post(f"{API}/catalogs", json={"name": 42}, headers=admin)
    assert mistyped.status_code == 422

    blank = await client.post(f"{API}/catalogs", json={"name": "   "}, headers=admin)
    assert blank.status_code == 422
    assert problem_of(blank)["errors"][0]["field"] == "name"

    unknown = await client.post(f"{API}/catalogs/nope/approve", headers=admin)
    assert unknown.status_code == 404
    assert problem_of(unknown)["code"] == "not-found"

    created = (await client.post(f"{API}/catalogs", json={"name": "Winter"}, headers=admin)).json()
    catalog_id = created["id"]
    too_early = await client.post(f"{API}/catalogs/{catalog_id}/activate", headers=admin)
    assert too_early.status_code == 409
    assert problem_of(too_early)["code"] == "catalog-transition-not-allowed"

    bad_price = {"sku": "S-1", "name": "Hat", "price": {"amount": -5, "currency": "EUR"}}
    negative = await client.post(f"{API}/catalogs/{catalog_id}/products", json=bad_price, headers=admin)
    assert negative.status_code == 422
    assert problem_of(negative)["errors"][0]["field"] == "price.amount"  # the schema says 1 to 10^9

    stale = await client.post(
        f"{API}/catalogs/{catalog_id}/products",
        json={"sku": "S-1", "name": "Hat", "price": {"amount": 100}, "expected_version": 5},
        headers=admin,
    )
    assert stale.status_code == 409
    assert problem_of(stale)["code"] == "concurrency-conflict"

    store = client.app.state.shop.modules["catalog"].context.store
    assert await store.head() == created["position"], "no refused command stored an event"
    catalog = (await client.get(f"{API}/catalogs/{catalog_id}", params={"min_position": created["position"]})).json()
    assert catalog["version"] == 1 and catalog["products"] == []


async def test_renaming_a_catalog_shows_in_its_view_and_its_history(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"SKU-1": 1999})
    renamed = await client.post(f"{API}/catalogs/{catalog_id}/rename", json={"name": "Winter"}, headers=client.admin)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["stream_version"] == 6

    seen = {"min_position": renamed.json()["position"]}
    catalog = (await client.get(f"{API}/catalogs/{catalog_id}", params=seen)).json()
    assert (catalog["name"], catalog["status"], catalog["version"]) == ("Winter", "active", 6)
    listed = (await client.get(f"{API}/catalogs", params=seen)).json()
    assert [c["name"] for c in listed if c["id"] == catalog_id] == ["Winter"]
    before = (await client.get(f"{API}/catalogs/{catalog_id}", params={"as_of_version": 5})).json()
    assert before["name"] == "Summer"
    history = (await client.get(f"{API}/catalogs/{catalog_id}/history", headers=client.admin)).json()
    assert history["events"][-1]["type"] == "catalog.CatalogRenamed"
    assert history["events"][-1]["data"] == {"catalog_id": catalog_id, "name": "Winter"}


async def test_a_rename_is_refused_when_stale_blank_too_long_or_not_by_an_administrator(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"SKU-1": 1999})
    rename = f"{API}/catalogs/{catalog_id}/rename"
    stale = await client.post(rename, json={"name": "Winter", "expected_version": 1}, headers=client.admin)
    assert (stale.status_code, problem_of(stale)["code"]) == (409, "concurrency-conflict")
    blank = await client.post(rename, json={"name": "  "}, headers=client.admin)
    assert (blank.status_code, problem_of(blank)["errors"][0]["field"]) == (422, "name")
    too_long = await client.post(rename, json={"name": "x" * 201}, headers=client.admin)
    assert (too_long.status_code, problem_of(too_long)["errors"][0]["field"]) == (422, "name")
    unknown_field = await client.post(rename, json={"name": "Winter", "colour": "red"}, headers=client.admin)
    assert unknown_field.status_code == 422
    assert (await client.post(rename, json={"name": "Winter"}, headers=client.as_user("u-1"))).status_code == 403
    missing = await client.post(f"{API}/catalogs/nope/rename", json={"name": "Winter"}, headers=client.admin)
    assert missing.status_code == 404

    history = (await client.get(f"{API}/catalogs/{catalog_id}/history", headers=client.admin)).json()
    assert "catalog.CatalogRenamed" not in [event["type"] for event in history["events"]]


async def test_writes_need_an_administrator(client: ShopClient) -> None:
    anonymous = await client.post(f"{API}/catalogs", json={"name": "Summer"})
    assert anonymous.status_code == 401
    customer = await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=client.as_user("u-1"))
    assert customer.status_code == 403
    forged = await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers={"Authorization": "Bearer x.y"})
    assert forged.status_code == 401
