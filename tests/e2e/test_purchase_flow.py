"""The whole shop through HTTP only: catalog, stock, sign-up, cart, checkout, the order confirmed or
rejected by the warehouse, payment, analytics, cancellation; correlation across every module's store;
authorization; bad input on the order's commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from tests import waiting
from tests.conftest import ShopClient
from tests.e2e.test_catalog_http import create_active_catalog, problem_of

ORDER = "/api/v1/order"
PRICES = {"KETTLE": 3499, "MUG": 1250}
CHECKOUT_CORRELATION = "alice-checkout-1"


async def eventually(probe: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], what: str) -> Any:
    """Poll `probe` until `done(result)`: the shop's modules talk asynchronously. Bounded, never endless."""
    return await waiting.eventually(lambda: waiting.answer_if(probe(), done), what)


async def sign_up_and_in(client: ShopClient, username: str) -> dict[str, str]:
    email = f"{username}@example.com"
    body = {"username": username, "email": email, "emailConfirmation": email, "password": f"{username}-secret-42"}
    signed_up = await client.post("/api/v1/user/users", json=body)
    assert signed_up.status_code == 201, signed_up.text
    session = await client.post("/api/v1/user/sessions", json={"username": username, "password": body["password"]})
    assert session.status_code == 200, session.text
    return {"Authorization": f"Bearer {session.json()['access_token']}"}


async def stock_of(client: ShopClient, sku: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/warehouse/stock/{sku}", headers=client.admin)
    assert response.status_code == 200, response.text
    stock: dict[str, Any] = response.json()
    return stock


async def open_shop(client: ShopClient, stock: dict[str, int]) -> None:
    """The administrator's part: an active catalog, stock received, and the cart knowing the products."""
    await create_active_catalog(client, PRICES)
    for sku, quantity in stock.items():
        received = await client.post(
            f"/api/v1/warehouse/stock/{sku}/receive", json={"quantity": quantity}, headers=client.admin
        )
        assert received.status_code == 200, received.text
    await eventually(
        lambda: client.get("/api/v1/cart/products"),
        lambda r: {p["sku"] for p in r.json()} >= set(PRICES),
        "the cart to sell the catalog's products",
    )


async def buy(client: ShopClient, customer: dict[str, str], items: dict[str, int], correlation: str = "") -> str:
    """Fill the customer's cart and check out; the answer is the checked-out cart's id."""
    for sku, quantity in items.items():
        added = await client.post("/api/v1/cart/cart/items", json={"sku": sku, "quantity": quantity}, headers=customer)
        assert added.status_code == 201, added.text
    headers = {**customer, "X-Correlation-ID": correlation} if correlation else customer
    checked_out = await client.post("/api/v1/cart/cart/checkout", headers=headers)
    assert checked_out.status_code == 200, checked_out.text
    cart_id: str = checked_out.json()["id"]
    return cart_id


async def order_of_cart(client: ShopClient, customer: dict[str, str], cart_id: str, status: str) -> dict[str, Any]:
    """Wait until the order made from the cart has the status (the warehouse answers asynchronously)."""
    listed = await eventually(
        lambda: client.get(f"{ORDER}/orders", params={"cart_id": cart_id}, headers=customer),
        lambda r: r.status_code == 200 and [o["status"] for o in r.json()] == [status],
        f"the order of cart {cart_id} to be {status}",
    )
    order: dict[str, Any] = listed.json()[0]
    return order


async def envelopes(client: ShopClient, module: str) -> list[Envelope[Event]]:
    found: list[Envelope[Event]] = await client.app.state.shop.modules[module].context.store.read_all(0)
    return found


async def test_a_purchase_from_catalog_to_cancellation(client: ShopClient) -> None:
    await open_shop(client, {"KETTLE": 5, "MUG": 10})

    # A customer signs up, signs in, fills a cart and checks out: the warehouse confirms the order.
    alice = await sign_up_and_in(client, "alice")
    cart_id = await buy(client, alice, {"KETTLE": 3, "MUG": 2}, correlation=CHECKOUT_CORRELATION)
    order = await order_of_cart(client, alice, cart_id, "confirmed")
    assert order["total"] == {"amount": 3 * 3499 + 2 * 1250, "currency": "EUR"}
    assert [(line["sku"], line["quantity"], line["price"]["amount"]) for line in order["lines"]] == [
        ("KETTLE", 3, 3499),
        ("MUG", 2, 1250),
    ]
    kettles = await eventually(lambda: stock_of(client, "KETTLE"), lambda s: s["reserved"] == 3, "3 kettles reserved")
    assert (kettles["on_hand"], kettles["available"]) == (5, 2)

    # Paying shows in analytics.
    paid = await client.post(f"{ORDER}/orders/{order['id']}/pay", headers=alice)
    assert paid.status_code == 200, paid.text
    seen = await client.get(
        f"{ORDER}/orders/{order['id']}", params={"min_position": paid.json()["position"]}, headers=alice
    )
    assert seen.json()["status"] == "paid"
    revenue = await eventually(
        lambda: client.get("/api/v1/analytics/revenue/by-product", headers=client.admin),
        lambda r: len(r.json()) == 2,
        "revenue of both products",
    )
    assert revenue.json() == [
        {"sku": "KETTLE", "currency": "EUR", "units": 3, "revenue": 10497},
        {"sku": "MUG", "currency": "EUR", "units": 2, "revenue": 2500},
    ]

    # A second customer wants more kettles than remain: rejected, naming the short SKU; nothing is held.
    bob = await sign_up_and_in(client, "bob")
    bobs_cart = await buy(client, bob, {"KETTLE": 3, "MUG": 1})
    rejected = await order_of_cart(client, bob, bobs_cart, "rejected")
    assert rejected["short_skus"] == ["KETTLE"]
    assert "KETTLE (requested 3, available 2)" in rejected["reason"]
    assert (await stock_of(client, "MUG"))["reserved"] == 2

    # Cancelling the first order releases its stock (and refunds it: revenue nets out).
    cancelled = await client.post(f"{ORDER}/orders/{order['id']}/cancel", headers=alice)
    assert cancelled.status_code == 200, cancelled.text
    kettles = await eventually(lambda: stock_of(client, "KETTLE"), lambda s: s["reserved"] == 0, "no kettle reserved")
    assert (kettles["on_hand"], kettles["available"]) == (5, 5)
    funnel = await eventually(
        lambda: client.get("/api/v1/analytics/funnel", headers=client.admin), lambda r: r.json()["cancelled"] == 1,
        "a cancelled order in the funnel",
    )
    assert funnel.json() == {
        "orders": 2, "placed": 2, "confirmed": 1, "rejected": 1, "paid": 1, "shipped": 0, "cancelled": 1
    }  # fmt: skip
    carts = await eventually(
        lambda: client.get("/api/v1/analytics/carts", headers=client.admin),
        lambda r: r.json()["checked_out"] == 2,
        "both checked-out carts in analytics",
    )
    assert (carts.json()["checked_out"], carts.json()["open"]) == (2, 0)
    movements = await eventually(
        lambda: client.get("/api/v1/analytics/stock", params={"sku": "KETTLE"}, headers=client.admin),
        lambda r: r.json() and r.json()[0]["released"] == 3,
        "the released kettles in analytics",
    )
    assert movements.json() == [{"sku": "KETTLE", "received": 5, "reserved": 3, "released": 3, "shipped": 0}]

    await the_checkout_flow_shares_one_correlation_id_and_names_each_cause(client)


async def the_checkout_flow_shares_one_correlation_id_and_names_each_cause(client: ShopClient) -> None:
    """cart.CartCheckedOut -> [M1] -> order.OrderPlaced -> [M2] -> warehouse StockReserved -> [M3] ->
    order.OrderConfirmed -> [M4]. Integration messages (M1..M4) leave the outboxes once published; analytics
    keeps a copy of each, whose causation id is the message's id."""
    flow = {
        module: [e for e in await envelopes(client, module) if e.correlation_id == CHECKOUT_CORRELATION]
        for module in ("cart", "order", "warehouse", "analytics")
    }
    assert [e.type for e in flow["order"]] == ["order.OrderPlaced", "order.OrderConfirmed"]
    assert [e.type for e in flow["warehouse"]] == ["warehouse.StockReserved"]
    assert [e.type for e in flow["cart"]][-1] == "cart.CartCheckedOut"
    message_id = {copy.type: copy.causation_id for copy in flow["analytics"]}
    assert set(message_id) == {
        "cart.public.CartCheckedOut",
        "order.public.OrderPlaced",
        "warehouse.public.StockReserved",
        "order.public.OrderConfirmed",
    }
    placed, confirmed = flow["order"]
    [reserved] = flow["warehouse"]
    assert placed.causation_id == message_id["cart.public.CartCheckedOut"]
    assert reserved.causation_id == message_id["order.public.OrderPlaced"]
    assert confirmed.causation_id == message_id["warehouse.public.StockReserved"]
    assert len(set(message_id.values())) == 4


async def test_who_may_do_what_with_orders_and_analytics(client: ShopClient) -> None:
    await open_shop(client, {"KETTLE": 5})
    alice, bob = await sign_up_and_in(client, "alice"), await sign_up_and_in(client, "bob")
    order = await order_of_cart(client, alice, await buy(client, alice, {"KETTLE": 1}), "confirmed")
    mine = f"{ORDER}/orders/{order['id']}"

    for path in (f"{ORDER}/orders", mine, "/api/v1/analytics/funnel"):
        anonymous = await client.get(path)
        assert anonymous.status_code == 401
        assert problem_of(anonymous)["code"] == "unauthorized"
    for action in ("pay", "ship", "cancel"):
        assert (await client.post(f"{mine}/{action}")).status_code == 401

    assert problem_of(await client.post(f"{mine}/ship", headers=alice))["status"] == 403
    assert (await client.get("/api/v1/analytics/revenue/by-day", headers=alice)).status_code == 403

    # Someone else's order does not exist for bob: not readable, not payable, not cancellable, not listed.
    for response in (
        await client.get(mine, headers=bob),
        await client.get(mine, params={"as_of_version": 1}, headers=bob),
        await client.post(f"{mine}/pay", headers=bob),
        await client.post(f"{mine}/cancel", headers=bob),
    ):
        assert response.status_code == 404
        assert problem_of(response)["code"] == "unknown-order"
    assert (await client.get(f"{ORDER}/orders", headers=bob)).json() == []
    everyone = await client.get(f"{ORDER}/orders", headers=client.admin)
    assert [o["id"] for o in everyone.json()] == [order["id"]]

    # The owner and the administrator can: pay (owner), ship (admin); time travel shows the way there.
    assert (await client.post(f"{mine}/pay", headers=alice)).status_code == 200
    shipped = await client.post(f"{mine}/ship", headers=client.admin)
    assert shipped.status_code == 200
    assert shipped.json()["stream_version"] == 4
    history = [
        (await client.get(mine, params={"as_of_version": v}, headers=alice)).json()["status"] for v in (1, 2, 3, 4)
    ]
    assert history == ["placed", "confirmed", "paid", "shipped"]
    assert (await client.get(mine, params={"as_of": "2000-01-01T00:00:00Z"}, headers=alice)).status_code == 404


async def test_bad_input_on_order_commands_is_refused_and_nothing_is_stored(client: ShopClient) -> None:
    await open_shop(client, {"KETTLE": 5})
    alice = await sign_up_and_in(client, "alice")
    order = await order_of_cart(client, alice, await buy(client, alice, {"KETTLE": 1}), "confirmed")
    mine = f"{ORDER}/orders/{order['id']}"
    before = await envelopes(client, "order")

    malformed = await client.post(
        f"{mine}/pay", content=b"{oops", headers={**alice, "content-type": "application/json"}
    )
    assert (malformed.status_code, problem_of(malformed)["code"]) == (400, "malformed-json")
    for body in ({"expected_version": "two"}, {"expected_version": 2, "amount": 5}):
        refused = await client.post(f"{mine}/pay", json=body, headers=alice)
        assert (refused.status_code, problem_of(refused)["code"]) == (422, "invalid-request")
    stale = await client.post(f"{mine}/pay", json={"expected_version": 1}, headers=alice)
    assert stale.status_code == 409
    not_paid = await client.post(f"{mine}/ship", headers=client.admin)
    assert (not_paid.status_code, problem_of(not_paid)["code"]) == (409, "order-not-paid")
    unknown = await client.post(f"{ORDER}/orders/no-such-order/pay", headers=alice)
    assert (unknown.status_code, problem_of(unknown)["code"]) == (404, "unknown-order")
    assert (await client.get(mine, params={"as_of_version": 0}, headers=alice)).status_code == 422
    assert (await client.get(f"{ORDER}/orders", params={"limit": 0}, headers=alice)).status_code == 422
    assert await envelopes(client, "order") == before

    # Invalid transitions are named conflicts.
    assert (await client.post(f"{mine}/cancel", headers=alice)).status_code == 200
    for action, code in (("pay", "order-not-confirmed"), ("cancel", "order-not-cancellable")):
        refused = await client.post(f"{mine}/{action}", headers=alice)
        assert (refused.status_code, problem_of(refused)["code"]) == (409, code)
    assert [e.type for e in await envelopes(client, "order")][-1] == "order.OrderCancelled"
