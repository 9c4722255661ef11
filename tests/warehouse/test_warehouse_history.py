"""The warehouse's history over HTTP: its stream's events, and its stock as of a version or an instant."""

from __future__ import annotations

from typing import Any

import pytest

from martello.modules.order.contracts import OrderCancelled, OrderShipped
from tests.conftest import ShopClient
from tests.time_travel import LiveAnswers
from tests.warehouse.test_warehouse_http import API, MODULES, Published, placed, problem_of, receive, stock


async def stock_then(client: ShopClient, sku: str, **as_of: str | int) -> dict[str, Any]:
    response = await client.get(f"{API}/stock/{sku}", params=as_of, headers=client.admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed_then(client: ShopClient, **params: str | int) -> list[tuple[str, int, int, int]]:
    response = await client.get(f"{API}/stock", params=params, headers=client.admin)
    assert response.status_code == 200, response.text
    return [(s["sku"], s["on_hand"], s["reserved"], s["available"]) for s in response.json()]


async def test_the_history_lists_every_event_with_its_envelope(shop: Any) -> None:
    async with shop(MODULES) as client:
        nothing_yet = await client.get(f"{API}/history", headers=client.admin)
        assert nothing_yet.status_code == 404
        assert problem_of(nothing_yet)["code"] == "not-found"

        published = Published(client)
        await receive(client, "HAT", 5)
        order = await published.deliver(placed("o-1", ("HAT", 2)))
        await published.about("o-1")

        response = await client.get(f"{API}/history", headers=client.admin)
        assert response.status_code == 200
        history = response.json()
        assert (history["stream_id"], history["version"]) == ("warehouse-main", 2)
        received, reserved = history["events"]
        assert (received["type"], received["stream_version"], received["schema_version"]) == (
            "warehouse.StockReceived",
            1,
            1,
        )
        assert received["data"] == {"sku": "HAT", "quantity": 5, "on_hand": 5}
        assert received["actor"] == "admin-1" and received["correlation_id"] and received["causation_id"]
        assert reserved["type"] == "warehouse.StockReserved"
        assert (reserved["correlation_id"], reserved["causation_id"], reserved["actor"]) == (
            "checkout-flow",
            order.message_id,
            "u-1",
        ), "caused by the order's message, on behalf of its customer"
        assert received["position"] < reserved["position"]

        ops = await client.get("/api/v1/ops/streams/warehouse-main", headers=client.admin)
        assert ops.json()["events"] == history["events"]


async def test_the_history_is_for_administrators(shop: Any) -> None:
    async with shop(MODULES) as client:
        await receive(client, "HAT", 1)
        assert (await client.get(f"{API}/history")).status_code == 401
        refused = await client.get(f"{API}/history", headers=client.as_user("u-1"))
        assert refused.status_code == 403
        assert problem_of(refused)["code"] == "forbidden"


@pytest.mark.parametrize("snapshot_every", [100, 2], ids=["replayed", "from-snapshots"])
async def test_stock_as_of_a_version_is_the_stock_then(shop: Any, snapshot_every: int) -> None:
    async with shop(MODULES, snapshot_every=snapshot_every) as client:
        published = Published(client)
        await receive(client, "HAT", 5)  # version 1
        await receive(client, "CAP", 2)  # version 2
        await published.deliver(placed("o-1", ("HAT", 3), ("CAP", 1)))  # version 3
        await published.about("o-1")
        await published.deliver(placed("o-2", ("CAP", 2)))  # version 4: refused, nothing changes
        await published.about("o-2")
        last = await receive(client, "HAT", 1)  # version 5

        expected = {
            1: [("HAT", 5, 0, 5)],
            2: [("CAP", 2, 0, 2), ("HAT", 5, 0, 5)],
            3: [("CAP", 2, 1, 1), ("HAT", 5, 3, 2)],
            4: [("CAP", 2, 1, 1), ("HAT", 5, 3, 2)],
            5: [("CAP", 2, 1, 1), ("HAT", 6, 3, 3)],
        }
        for version, levels in expected.items():
            assert await listed_then(client, as_of_version=version) == levels, f"as of version {version}"
        assert await listed_then(client, min_position=last) == expected[5], "the latest version is the stock now"
        assert await listed_then(client, as_of_version=99) == expected[5], "past the end: as it is now"
        assert await listed_then(client, as_of_version=3, limit=1, offset=1) == [("HAT", 5, 3, 2)]

        events = (await client.get(f"{API}/history", headers=client.admin)).json()["events"]
        reserved_at = events[2]["timestamp"]
        hats = await stock_then(client, "HAT", as_of_version=3)
        assert hats == {"sku": "HAT", "on_hand": 5, "reserved": 3, "available": 2, "updated_at": reserved_at}
        assert (await stock(client, "HAT", last))["updated_at"] == events[4]["timestamp"]
        assert await stock_then(client, "HAT", as_of_version=5) == await stock(client, "HAT", last)

        caps_before_receipt = await client.get(f"{API}/stock/CAP", params={"as_of_version": 1}, headers=client.admin)
        assert caps_before_receipt.status_code == 404
        assert problem_of(caps_before_receipt)["details"] == {"sku": "CAP"}


async def test_stock_as_of_an_instant_is_the_stock_then(shop: Any) -> None:
    async with shop(MODULES) as client:
        await receive(client, "HAT", 5)
        await receive(client, "HAT", 2)
        events = (await client.get(f"{API}/history", headers=client.admin)).json()["events"]
        first, second = (e["timestamp"] for e in events)

        assert (await stock_then(client, "HAT", as_of=first))["on_hand"] == 5
        assert (await stock_then(client, "HAT", as_of=second))["on_hand"] == 7
        assert await listed_then(client, as_of=first) == [("HAT", 5, 0, 5)]
        assert await listed_then(client, as_of="2999-01-01T00:00:00+01:00") == [("HAT", 7, 0, 7)]


async def test_as_of_before_the_warehouse_existed_is_not_found(shop: Any) -> None:
    async with shop(MODULES) as client:
        admin = client.admin
        for params in ({"as_of_version": 1}, {}):
            nothing = await client.get(f"{API}/stock/HAT", params=params, headers=admin)
            assert nothing.status_code == 404, params
        assert (await client.get(f"{API}/stock", params={"as_of_version": 1}, headers=admin)).status_code == 404

        await receive(client, "HAT", 5)
        for path in ("/stock", "/stock/HAT"):
            before = await client.get(f"{API}{path}", params={"as_of": "2000-01-01T00:00:00Z"}, headers=admin)
            assert before.status_code == 404
            assert "at that point in time" in problem_of(before)["detail"]


async def test_bad_time_travel_parameters_are_refused(shop: Any) -> None:
    async with shop(MODULES) as client:
        await receive(client, "HAT", 5)
        cases = [
            ({"as_of_version": 0}, "as_of_version"),
            ({"as_of_version": -1}, "as_of_version"),
            ({"as_of_version": "two"}, "as_of_version"),
            ({"as_of": "yesterday"}, "as_of"),
            ({"as_of": "2024-13-45T99:00:00Z"}, "as_of"),
        ]
        for path in ("/stock", "/stock/HAT"):
            for params, field in cases:
                response = await client.get(f"{API}{path}", params=params, headers=client.admin)
                assert response.status_code == 422, (path, params)
                assert [e["field"] for e in problem_of(response)["errors"]] == [field]
        customer = client.as_user("u-1")
        refused = await client.get(f"{API}/stock/HAT", params={"as_of_version": 1}, headers=customer)
        assert refused.status_code == 403


async def test_at_every_version_time_travel_answers_what_the_live_stock_views_answered(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        listed = LiveAnswers(client, "warehouse-main", f"{API}/stock", client.admin)
        hats = LiveAnswers(client, "warehouse-main", f"{API}/stock/HAT", client.admin)

        async def record() -> None:
            await listed.record()
            await hats.record()

        await receive(client, "HAT", 5)
        await record()
        await receive(client, "CAP", 2)
        await record()
        for order_id, lines in (("o-1", (("HAT", 2), ("CAP", 1))), ("o-2", (("HAT", 1),)), ("o-3", (("CAP", 9),))):
            await published.deliver(placed(order_id, *lines))
            await published.about(order_id)
            await record()
        hat = ({"sku": "HAT", "quantity": 2, "price_amount": 100, "currency": "EUR"},)
        await published.deliver(OrderCancelled(order_id="o-1", user_id="u-1", release_stock=True, lines=hat))
        await published.about("o-1", 2)
        await record()
        await published.deliver(OrderShipped(order_id="o-2", user_id="u-1", lines=hat))
        await published.about("o-2", 2)
        await record()
        await receive(client, "HAT", 10)
        await record()

        await listed.assert_time_travel_answers_the_same()
        await hats.assert_time_travel_answers_the_same()
