"""The cart through HTTP only (plus a look at what it publishes): fill, change, check out; who may see what."""

from __future__ import annotations

from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart import contracts
from martello.modules.cart.domain.events import ItemQuantityChanged
from tests.conftest import ShopClient
from tests.e2e.test_catalog_http import create_active_catalog
from tests.races import Race
from tests.waiting import answer_if, eventually

API = "/api/v1/cart"
CATALOG = "/api/v1/catalog"
MODULES = ("catalog", "warehouse", "cart")


def problem_of(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


async def offered(client: ShopClient) -> set[str]:
    return {p["sku"] for p in (await client.get(f"{API}/products", params={"limit": 1000})).json()}


async def sellable(client: ShopClient, *skus: str) -> None:
    """Wait (boundedly) until the cart's price list, fed asynchronously by the catalog, offers these SKUs."""
    await eventually(lambda: answer_if(offered(client), lambda now: now >= set(skus)), f"the cart to sell {skus}")


async def unsellable(client: ShopClient, sku: str) -> None:
    await eventually(lambda: answer_if(offered(client), lambda now: sku not in now), f"the cart to withdraw {sku}")


async def shop_with(client: ShopClient, prices: dict[str, int]) -> str:
    catalog_id = await create_active_catalog(client, prices)
    await sellable(client, *prices)
    return catalog_id


async def cart_of(client: ShopClient, headers: dict[str, str], position: int | None = None) -> dict[str, Any]:
    params = {"min_position": position} if position else {}
    response = await client.get(f"{API}/cart", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class Published:
    """Collects what the cart publishes on the shop's bus."""

    def __init__(self, client: ShopClient) -> None:
        self.messages: list[Envelope[Event]] = []
        types = [t.__event_type__ for t in (contracts.CartOpened, contracts.CartCheckedOut, contracts.CartAbandoned)]
        client.app.state.shop.bus.subscribe("test.collector", types, self._collect)

    async def _collect(self, envelope: Envelope[Event]) -> None:
        self.messages.append(envelope)

    async def of_type(self, event_type: type[Event], count: int = 1) -> list[Envelope[Event]]:
        async def found() -> list[Envelope[Event]] | None:
            matching = [m for m in self.messages if isinstance(m.event, event_type)]
            return matching if len(matching) >= count else None

        return await eventually(found, f"the cart to publish {count} {event_type.__name__}")


async def test_a_customer_fills_changes_and_checks_out_a_cart(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        await shop_with(client, {"HAT": 1999, "CAP": 500, "SCARF": 1250})
        me = client.as_user("u-1")

        added = await client.post(f"{API}/cart/items", json={"sku": "HAT", "quantity": 2}, headers=me)
        assert added.status_code == 201, added.text
        cart_id = added.json()["id"]
        await client.post(f"{API}/cart/items", json={"sku": "CAP"}, headers=me)
        await client.post(f"{API}/cart/items", json={"sku": "SCARF", "quantity": 1}, headers=me)
        await client.post(f"{API}/cart/items", json={"sku": "CAP", "quantity": 1}, headers=me)
        changed = await client.post(f"{API}/cart/items/CAP/quantity", json={"quantity": 3}, headers=me)
        assert changed.status_code == 200, changed.text
        removed = await client.post(f"{API}/cart/items/SCARF/remove", headers=me)
        assert removed.status_code == 200, removed.text

        cart = await cart_of(client, me, removed.json()["position"])
        assert (cart["cart_id"], cart["user_id"], cart["status"]) == (cart_id, "u-1", "open")
        assert [(line["sku"], line["quantity"], line["price_amount"]) for line in cart["lines"]] == [
            ("HAT", 2, 1999),
            ("CAP", 3, 500),
        ]
        assert (cart["total_amount"], cart["currency"], cart["version"]) == (5498, "EUR", 7)

        done = await client.post(f"{API}/cart/checkout", headers={**me, "X-Correlation-ID": "checkout-1"})
        assert done.status_code == 200, done.text
        assert done.json()["id"] == cart_id
        [checked_out] = await published.of_type(contracts.CartCheckedOut)
        assert checked_out.event == contracts.CartCheckedOut(
            cart_id=cart_id,
            user_id="u-1",
            lines=(
                {"sku": "HAT", "name": "Product HAT", "quantity": 2, "price_amount": 1999, "currency": "EUR"},
                {"sku": "CAP", "name": "Product CAP", "quantity": 3, "price_amount": 500, "currency": "EUR"},
            ),
            total_amount=5498,
            currency="EUR",
        )
        assert (checked_out.correlation_id, checked_out.actor) == ("checkout-1", "u-1")

        closed = await cart_of(client, me, done.json()["position"])
        assert (closed["cart_id"], closed["status"], closed["lines"]) == (None, "none", [])
        bought = (await client.get(f"{API}/carts/{cart_id}", headers=me)).json()
        assert (bought["status"], bought["total_amount"]) == ("checked-out", 5498)
        assert bought["lines"][0] | {"sellable": None} == {
            "sku": "HAT",
            "name": "Product HAT",
            "quantity": 2,
            "price_amount": 1999,
            "currency": "EUR",
            "sellable": None,
        }

        again = await client.post(f"{API}/cart/items", json={"sku": "HAT"}, headers=me)
        assert again.json()["id"] != cart_id
        opened = await published.of_type(contracts.CartOpened, 2)
        assert [m.event.cart_id for m in opened] == [cart_id, again.json()["id"]]  # type: ignore[attr-defined]


async def test_checkout_uses_the_current_price_and_refuses_what_is_no_longer_sold(shop: Any) -> None:
    async with shop(MODULES) as client:
        catalog_id = await shop_with(client, {"HAT": 1999, "CAP": 500})
        me = client.as_user("u-1")
        await client.post(f"{API}/cart/items", json={"sku": "HAT", "quantity": 2}, headers=me)
        added = await client.post(f"{API}/cart/items", json={"sku": "CAP"}, headers=me)

        repriced = await client.post(
            f"{CATALOG}/catalogs/{catalog_id}/products/HAT/reprice",
            json={"price": {"amount": 1500}},
            headers=client.admin,
        )
        assert repriced.status_code == 200
        position = added.json()["position"]
        cart = await eventually(  # both lines are in the read model at this position; the new price comes later
            lambda: answer_if(cart_of(client, me, position), lambda c: c["lines"][0]["price_amount"] == 1500),
            "the cart to show the new price of HAT",
        )
        assert cart["total_amount"] == 3500

        await client.post(f"{CATALOG}/catalogs/{catalog_id}/products/CAP/remove", headers=client.admin)
        await unsellable(client, "CAP")
        refused = await client.post(f"{API}/cart/checkout", headers=me)
        assert refused.status_code == 409
        assert problem_of(refused)["details"]["skus"] == ["CAP"]
        not_sold = await client.post(f"{API}/cart/items", json={"sku": "CAP"}, headers=me)
        assert not_sold.status_code == 409
        assert problem_of(not_sold)["code"] == "product-not-sellable"
        assert problem_of(not_sold)["details"] == {"sku": "CAP"}

        await client.post(f"{API}/cart/items/CAP/remove", headers=me)
        done = await client.post(f"{API}/cart/checkout", headers=me)
        assert done.status_code == 200, done.text
        bought = (
            await client.get(
                f"{API}/carts/{done.json()['id']}", params={"min_position": done.json()["position"]}, headers=me
            )
        ).json()
        assert bought["total_amount"] == 3000


async def test_products_not_yet_released_cannot_be_added(shop: Any) -> None:
    async with shop(MODULES) as client:
        # Given a product released only in 2999, added to an active catalog
        catalog_id = await create_active_catalog(client, {"HAT": 1999})
        body = {"sku": "LATER", "name": "Later", "price": {"amount": 100}, "release_date": "2999-01-01"}
        added = await client.post(f"{CATALOG}/catalogs/{catalog_id}/products", json=body, headers=client.admin)
        assert added.status_code == 201, added.text
        await sellable(client, "HAT")
        price_list = client.app.state.shop.modules["cart"].context.database
        # When the cart's price list has learned it (it is relayed asynchronously)
        await eventually(
            lambda: price_list.read(
                lambda tx: tx.execute("SELECT 1 FROM cart_price_list WHERE sku = 'LATER'").fetchone()
            ),
            "the cart's price list to learn LATER",
        )
        # Then a customer cannot add it, because it is not on sale yet (not because it is unknown)
        early = await client.post(f"{API}/cart/items", json={"sku": "LATER"}, headers=client.as_user("u-1"))
        assert early.status_code == 409
        problem = problem_of(early)
        assert (problem["code"], problem["details"]) == ("product-not-sellable", {"sku": "LATER"})
        assert "is not on sale on " in problem["detail"], problem
        assert "LATER" not in {p["sku"] for p in (await client.get(f"{API}/products")).json()}


async def test_a_customer_sees_only_their_own_cart(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        mine = await client.post(f"{API}/cart/items", json={"sku": "HAT"}, headers=client.as_user("u-1"))
        cart_id, position = mine.json()["id"], mine.json()["position"]
        other = client.as_user("u-2")

        theirs = await cart_of(client, other, position)
        assert (theirs["cart_id"], theirs["user_id"], theirs["lines"]) == (None, "u-2", [])
        peek = await client.get(f"{API}/carts/{cart_id}", params={"min_position": position}, headers=other)
        assert peek.status_code == 404
        assert problem_of(peek)["code"] == "not-found"
        assert (await client.post(f"{API}/cart/items/HAT/remove", headers=other)).status_code == 404
        assert (await client.post(f"{API}/cart/checkout", headers=other)).status_code == 409
        assert [line["sku"] for line in (await cart_of(client, client.as_user("u-1")))["lines"]] == ["HAT"]


async def test_carts_need_a_token_and_stock_needs_an_administrator(shop: Any) -> None:
    async with shop(MODULES) as client:
        for method, path in (
            ("GET", "/cart"),
            ("GET", "/carts/c-1"),
            ("POST", "/cart/items"),
            ("POST", "/cart/items/HAT/quantity"),
            ("POST", "/cart/items/HAT/remove"),
            ("POST", "/cart/checkout"),
            ("POST", "/cart/abandon"),
        ):
            response = await client.request(method, f"{API}{path}", json={"sku": "HAT", "quantity": 1})
            assert response.status_code == 401, path
            assert problem_of(response)["code"] == "unauthorized"
        customer = client.as_user("u-1")
        receive = await client.post("/api/v1/warehouse/stock/HAT/receive", json={"quantity": 1}, headers=customer)
        assert receive.status_code == 403
        assert (await client.get(f"{API}/products")).status_code == 200  # browsing is public


async def test_abandoning_closes_the_cart(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        await shop_with(client, {"HAT": 1999})
        me = client.as_user("u-1")
        cart_id = (await client.post(f"{API}/cart/items", json={"sku": "HAT"}, headers=me)).json()["id"]
        dropped = await client.post(f"{API}/cart/abandon", headers=me)
        assert dropped.status_code == 200
        [abandoned] = await published.of_type(contracts.CartAbandoned)
        assert abandoned.event == contracts.CartAbandoned(cart_id=cart_id, user_id="u-1")
        assert (await cart_of(client, me, dropped.json()["position"]))["status"] == "none"
        again = await client.post(f"{API}/cart/abandon", headers=me)
        assert again.status_code == 409
        assert problem_of(again)["code"] == "no-open-cart"


async def test_bad_input_is_refused_with_a_problem_and_nothing_is_stored(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me = client.as_user("u-1")
        store = client.app.state.shop.modules["cart"].context.store

        empty = await client.post(f"{API}/cart/checkout", headers=me)
        assert empty.status_code == 409
        assert problem_of(empty)["code"] == "cart-empty"
        assert await store.head() == 0

        added = await client.post(f"{API}/cart/items", json={"sku": "HAT", "quantity": 2}, headers=me)
        head = await store.head()
        refused = [
            (f"{API}/cart/items", {"sku": "HAT", "quantity": 0}, 422, "quantity"),
            (f"{API}/cart/items", {"sku": "HAT", "quantity": 1000}, 422, "quantity"),
            (f"{API}/cart/items", {"sku": "HAT", "quantity": 998}, 422, "quantity"),  # 2 + 998 > 999
            (f"{API}/cart/items", {"sku": "HAT", "quantity": "2"}, 422, "quantity"),
            (f"{API}/cart/items", {"quantity": 1}, 422, "sku"),
            (f"{API}/cart/items", {"sku": "HAT", "price": 1}, 422, "price"),
            (f"{API}/cart/items", {"sku": "bad sku!", "quantity": 1}, 422, "sku"),
            (f"{API}/cart/items", {"sku": "GHOST", "quantity": 1}, 409, None),
            (f"{API}/cart/items/HAT/quantity", {"quantity": 0}, 422, "quantity"),
            (f"{API}/cart/items/HAT/quantity", {}, 422, "quantity"),
            (f"{API}/cart/items/CAP/quantity", {"quantity": 1}, 404, None),
            (f"{API}/cart/items/CAP/remove", {}, 404, None),
            (f"{API}/cart/items/HAT/remove", {"expected_version": 1}, 409, None),
            (f"{API}/cart/checkout", {"expected_version": 99}, 409, None),
            (f"{API}/cart/checkout", {"surprise": True}, 422, "surprise"),
        ]
        for path, body, status, field in refused:
            response = await client.post(path, json=body, headers=me)
            assert response.status_code == status, (path, body, response.text)
            problem = problem_of(response)
            if field is not None:
                assert problem["errors"][0]["field"] == field, (path, body, problem)
        malformed = await client.post(
            f"{API}/cart/items", content=b"{nope", headers={**me, "content-type": "application/json"}
        )
        assert malformed.status_code == 400

        assert await store.head() == head
        cart = await cart_of(client, me, added.json()["position"])
        assert [(line["sku"], line["quantity"]) for line in cart["lines"]] == [("HAT", 2)]


async def test_an_add_that_loses_a_race_is_applied_again_to_the_winners_cart(shop: Any) -> None:
    async with shop(MODULES) as client:
        # Given a cart with a hat, and the same customer adding another hat (in another tab) just before
        await shop_with(client, {"HAT": 1999, "CAP": 500})
        me = client.as_user("u-1")
        cart_id = (await client.post(f"{API}/cart/items", json={"sku": "HAT"}, headers=me)).json()["id"]
        store = client.app.state.shop.modules["cart"].context.store
        race = Race(store, "cart-u-1", [ItemQuantityChanged(cart_id=cart_id, sku="HAT", quantity=2)])
        # When a cap is added
        added = await client.post(f"{API}/cart/items", json={"sku": "CAP"}, headers=me)
        # Then the add was decided again on the cart the race left: both hats and the cap are in it
        assert added.status_code == 201, added.text
        assert race.appends == 2, "one lost attempt, one that landed"
        cart = await cart_of(client, me, added.json()["position"])
        assert [(line["sku"], line["quantity"]) for line in cart["lines"]] == [("HAT", 2), ("CAP", 1)]


async def test_a_caller_expecting_a_version_is_told_of_the_race_and_nothing_is_stored(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999})
        me = client.as_user("u-1")
        added = await client.post(f"{API}/cart/items", json={"sku": "HAT", "quantity": 2}, headers=me)
        cart_id = added.json()["id"]
        store = client.app.state.shop.modules["cart"].context.store
        race = Race(store, "cart-u-1", [ItemQuantityChanged(cart_id=cart_id, sku="HAT", quantity=3)])
        body = {"quantity": 1, "expected_version": added.json()["stream_version"]}
        refused = await client.post(f"{API}/cart/items/HAT/quantity", json=body, headers=me)
        assert refused.status_code == 409, refused.text
        assert problem_of(refused)["code"] == "concurrency-conflict"
        assert race.appends == 1, "not retried: the caller decided on the version it named"
        assert [e.event for e in await store.read_stream("cart-u-1")][-1] == ItemQuantityChanged(
            cart_id=cart_id, sku="HAT", quantity=3
        )


async def test_an_add_that_keeps_losing_races_is_refused_as_a_conflict(shop: Any) -> None:
    async with shop(MODULES) as client:
        await shop_with(client, {"HAT": 1999, "CAP": 500})
        me = client.as_user("u-1")
        cart_id = (await client.post(f"{API}/cart/items", json={"sku": "HAT"}, headers=me)).json()["id"]
        store = client.app.state.shop.modules["cart"].context.store
        race = Race(store, "cart-u-1", [ItemQuantityChanged(cart_id=cart_id, sku="HAT", quantity=2)], times=1000)
        refused = await client.post(f"{API}/cart/items", json={"sku": "CAP"}, headers=me)
        assert refused.status_code == 409, refused.text
        assert problem_of(refused)["code"] == "concurrency-conflict"
        assert 1 < race.appends < 1000, "retried, but not for ever"
        assert "CAP" not in {getattr(e.event, "sku", None) for e in await store.read_stream("cart-u-1")}
