"""A user's cart history over HTTP: the stream's events (owner or administrator) and the carts as they were."""

from __future__ import annotations

from typing import Any

from tests.cart.test_cart_http import API, MODULES, problem_of, shop_with
from tests.conftest import ShopClient
from tests.time_travel import LiveAnswers


async def post(client: ShopClient, path: str, headers: dict[str, str], body: object = None) -> dict[str, Any]:
    response = await client.post(f"{API}{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


async def view(client: ShopClient, path: str, headers: dict[str, str], **params: str | int) -> dict[str, Any]:
    response = await client.get(f"{API}{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def lines(cart: dict[str, Any]) -> list[tuple[str, int, int | None]]:
    return [(line["sku"], line["quantity"], line["price_amount"]) for line in cart["lines"]]


async def test_the_owner_and_administrators_read_a_users_cart_history(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me, other = client.as_user("u-1"), client.as_user("u-2")
        await post(client, "/cart/items", me, {"sku": "HAT", "quantity": 2})
        await post(client, "/cart/checkout", {**me, "X-Correlation-ID": "checkout-1"})

        mine = await view(client, "/cart/history", me)
        assert (mine["stream_id"], mine["version"]) == ("cart-u-1", 3)
        assert [e["type"] for e in mine["events"]] == ["cart.CartOpened", "cart.ItemAdded", "cart.CartCheckedOut"]
        assert [e["stream_version"] for e in mine["events"]] == [1, 2, 3]
        assert all(e["actor"] == "u-1" and e["causation_id"] for e in mine["events"])
        assert mine["events"][2]["correlation_id"] == "checkout-1"
        assert mine["events"][1]["data"] | {"cart_id": "c"} == {"cart_id": "c", "sku": "HAT", "quantity": 2}

        assert await view(client, "/users/u-1/history", me) == mine
        assert await view(client, "/users/u-1/history", client.admin) == mine
        ops = await client.get("/api/v1/ops/streams/cart-u-1", headers=client.admin)
        assert ops.json()["events"] == mine["events"]

        for path, headers in (
            ("/users/u-1/history", other),  # another customer's history does not exist for them
            ("/cart/history", other),  # no carts yet
            ("/users/u-2/history", client.admin),
        ):
            missing = await client.get(f"{API}{path}", headers=headers)
            assert missing.status_code == 404, path
            assert problem_of(missing)["code"] == "not-found"
        hidden = await client.get(f"{API}/users/u-1/history", headers=other)
        unknown = await client.get(f"{API}/users/u-3/history", headers=other)
        assert problem_of(hidden)["detail"].replace("u-1", "u-3") == problem_of(unknown)["detail"]

        for path in ("/cart/history", "/users/u-1/history"):
            assert (await client.get(f"{API}{path}")).status_code == 401


async def test_carts_as_of_a_version_are_the_carts_then(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999, "CAP": 500})
        me = client.as_user("u-1")
        first = (await post(client, "/cart/items", me, {"sku": "HAT", "quantity": 2}))["id"]  # v1 opened, v2 added
        await post(client, "/cart/items", me, {"sku": "CAP"})  # v3
        await post(client, "/cart/items/CAP/quantity", me, {"quantity": 3})  # v4
        await post(client, "/cart/items/HAT/remove", me)  # v5
        await post(client, "/cart/items", me, {"sku": "HAT"})  # v6: HAT again, now after CAP
        await post(client, "/cart/checkout", me)  # v7
        last = await post(client, "/cart/items", me, {"sku": "CAP"})  # v8 opened, v9 added
        second = last["id"]

        opened = await view(client, "/cart", me, as_of_version=1)
        assert (opened["cart_id"], opened["status"], opened["version"], opened["lines"]) == (first, "open", 1, [])
        three = await view(client, "/cart", me, as_of_version=3)
        assert lines(three) == [("HAT", 2, 1999), ("CAP", 1, 500)]
        assert (three["total_amount"], three["currency"], three["version"]) == (4498, "EUR", 3)
        assert lines(await view(client, "/cart", me, as_of_version=5)) == [("CAP", 3, 500)]
        assert lines(await view(client, "/cart", me, as_of_version=6)) == [("CAP", 3, 500), ("HAT", 1, 1999)]
        none_open = await view(client, "/cart", me, as_of_version=7)
        assert (none_open["cart_id"], none_open["status"], none_open["version"]) == (None, "none", 7)
        assert lines(await view(client, "/cart", me, as_of_version=9)) == [("CAP", 1, 500)]

        being_filled = await view(client, f"/carts/{first}", me, as_of_version=4)
        assert (being_filled["status"], lines(being_filled)) == ("open", [("HAT", 2, 1999), ("CAP", 3, 500)])
        bought = await view(client, f"/carts/{first}", me, as_of_version=7)
        assert (bought["status"], bought["total_amount"], bought["version"]) == ("checked-out", 3499, 7)
        assert [line["sellable"] for line in bought["lines"]] == [None, None]
        not_yet = await client.get(f"{API}/carts/{second}", params={"as_of_version": 7}, headers=me)
        assert not_yet.status_code == 404
        assert "at that point in time" in problem_of(not_yet)["detail"]

        now = {"min_position": last["position"]}
        for path in ("/cart", f"/carts/{first}", f"/carts/{second}"):
            latest = await view(client, path, me, as_of_version=9)
            assert latest == await view(client, path, me, **now), f"{path}: the latest version is the read model's view"
            assert await view(client, path, me, as_of_version=99) == latest


async def test_carts_as_of_an_instant_and_abandoned_carts(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me = client.as_user("u-1")
        cart_id = (await post(client, "/cart/items", me, {"sku": "HAT", "quantity": 2}))["id"]
        await post(client, "/cart/abandon", me)
        events = (await view(client, "/cart/history", me))["events"]
        added_at, abandoned_at = events[1]["timestamp"], events[2]["timestamp"]

        then = await view(client, "/cart", me, as_of=added_at)
        assert (then["cart_id"], then["opened_at"], then["updated_at"]) == (cart_id, events[0]["timestamp"], added_at)
        assert lines(then) == [("HAT", 2, 1999)]
        dropped = await view(client, f"/carts/{cart_id}", me, as_of=abandoned_at)
        assert (dropped["status"], lines(dropped), dropped["total_amount"]) == ("abandoned", [("HAT", 2, None)], None)
        assert await view(client, f"/carts/{cart_id}", me, as_of="2999-01-01T00:00:00Z") == dropped


async def test_as_of_before_the_users_first_cart_is_not_found(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me, other = client.as_user("u-1"), client.as_user("u-2")
        assert (await view(client, "/cart", other))["status"] == "none", "now: no cart is a cart view"
        never = await client.get(f"{API}/cart", params={"as_of_version": 1}, headers=other)
        assert never.status_code == 404, "before the user's stream existed there is nothing to show"
        assert problem_of(never)["code"] == "not-found"

        cart_id = (await post(client, "/cart/items", me, {"sku": "HAT"}))["id"]
        for path in ("/cart", f"/carts/{cart_id}"):
            before = await client.get(f"{API}{path}", params={"as_of": "2000-01-01T00:00:00Z"}, headers=me)
            assert before.status_code == 404, path
        peek = await client.get(f"{API}/carts/{cart_id}", params={"as_of_version": 2}, headers=other)
        assert peek.status_code == 404, "another user's cart does not exist for them, now or then"
        assert (await client.get(f"{API}/cart", params={"as_of_version": 1})).status_code == 401


async def test_bad_time_travel_parameters_are_refused(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me = client.as_user("u-1")
        cart_id = (await post(client, "/cart/items", me, {"sku": "HAT"}))["id"]
        cases = [
            ({"as_of_version": 0}, "as_of_version"),
            ({"as_of_version": "last"}, "as_of_version"),
            ({"as_of": "last tuesday"}, "as_of"),
            ({"as_of": "2024-02-30T10:00:00Z"}, "as_of"),
        ]
        for path in ("/cart", f"/carts/{cart_id}"):
            for params, field in cases:
                response = await client.get(f"{API}{path}", params=params, headers=me)
                assert response.status_code == 422, (path, params)
                assert [e["field"] for e in problem_of(response)["errors"]] == [field]


async def test_at_every_version_time_travel_answers_what_the_live_cart_views_answered(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999, "CAP": 500})
        me = client.as_user("u-1")
        first = (await post(client, "/cart/items", me, {"sku": "HAT", "quantity": 2}))["id"]
        views = [LiveAnswers(client, "cart-u-1", f"{API}{path}", me) for path in ("/cart", f"/carts/{first}")]

        async def record() -> None:
            for view in views:
                await view.record()

        await record()
        for path, body in (
            ("/cart/items", {"sku": "CAP"}),
            ("/cart/items/CAP/quantity", {"quantity": 3}),
            ("/cart/items/HAT/remove", None),
            ("/cart/items", {"sku": "HAT"}),
            ("/cart/checkout", None),
        ):
            await post(client, path, me, body)
            await record()
        second = (await post(client, "/cart/items", me, {"sku": "CAP"}))["id"]
        views.append(LiveAnswers(client, "cart-u-1", f"{API}/carts/{second}", me))
        await record()
        await post(client, "/cart/abandon", me)
        await record()

        for view in views:
            await view.assert_time_travel_answers_the_same()
