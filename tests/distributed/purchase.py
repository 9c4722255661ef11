"""The purchase flow through HTTP only, against wherever each module's API answers.

`Shop` maps a module name to an HTTP client for it: one in-process app serving every module, or
one service process per module (any of its replicas). Modules exchange events asynchronously, so
each step waits (boundedly) for the effect it expects, never for a fixed time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

TERMINAL_AFTER_PLACED = ("confirmed", "rejected")


@dataclass
class Shop:
    apis: Mapping[str, httpx.AsyncClient]
    admin: dict[str, str]

    def __getitem__(self, module: str) -> httpx.AsyncClient:
        return self.apis[module]


async def eventually(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 30.0) -> T:
    """The first non-None answer of `probe`, polled until `timeout` seconds have passed."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await probe()
        if answer is not None:
            return answer
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await asyncio.sleep(0.05)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


async def open_shop(shop: Shop, prices: Mapping[str, int], stock: Mapping[str, int]) -> None:
    """The admin creates and activates a catalog with these products and receives their stock."""
    catalog = shop["catalog"]
    catalog_id = ok(await catalog.post("/api/v1/catalog/catalogs", json={"name": "Kitchen"}, headers=shop.admin), 201)[
        "id"
    ]
    for sku, amount in prices.items():
        body = {"sku": sku, "name": f"Product {sku}", "price": {"amount": amount, "currency": "EUR"}}
        ok(await catalog.post(f"/api/v1/catalog/catalogs/{catalog_id}/products", json=body, headers=shop.admin), 201)
    for action in ("submit", "approve", "activate"):
        ok(await catalog.post(f"/api/v1/catalog/catalogs/{catalog_id}/{action}", headers=shop.admin))
    for sku, quantity in stock.items():
        receive = f"/api/v1/warehouse/stock/{sku}/receive"
        ok(await shop["warehouse"].post(receive, json={"quantity": quantity}, headers=shop.admin))

    async def sellable() -> bool | None:
        offered = {p["sku"] for p in ok(await shop["cart"].get("/api/v1/cart/products", params={"limit": 1000}))}
        return True if offered >= set(prices) else None

    await eventually(sellable, f"the cart learns that {sorted(prices)} can be sold")


async def customer(shop: Shop, username: str) -> dict[str, str]:
    """Sign up and sign in; the customer's bearer-token headers."""
    email = f"{username}@example.com"
    account = {"username": username, "email": email, "emailConfirmation": email, "password": "Correct-Horse-42"}
    ok(await shop["user"].post("/api/v1/user/users", json=account), 201)

    async def signed_in() -> dict[str, str] | None:
        answer = await shop["user"].post(
            "/api/v1/user/sessions", json={"username": username, "password": account["password"]}
        )
        if answer.status_code != 200:
            return None  # the accounts read model has not caught up yet
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    return await eventually(signed_in, f"{username} can sign in")


async def check_out(shop: Shop, headers: dict[str, str], lines: Mapping[str, int]) -> str:
    """Fill a cart and check it out; the cart's id."""
    cart = shop["cart"]
    cart_id = ""
    for sku, quantity in lines.items():
        added = await cart.post("/api/v1/cart/cart/items", json={"sku": sku, "quantity": quantity}, headers=headers)
        cart_id = ok(added, 201)["id"]
    ok(await cart.post("/api/v1/cart/cart/checkout", headers=headers))
    return cart_id


async def order_of_cart(shop: Shop, headers: dict[str, str], cart_id: str, statuses: tuple[str, ...]) -> dict[str, Any]:
    """The order placed from this cart, once it reached one of `statuses`."""

    async def found() -> dict[str, Any] | None:
        orders = ok(await shop["order"].get("/api/v1/order/orders", params={"cart_id": cart_id}, headers=headers))
        assert len(orders) <= 1, f"one order per checked-out cart, found {orders}"
        return orders[0] if orders and orders[0]["status"] in statuses else None

    return await eventually(found, f"the order of cart {cart_id} becomes {' or '.join(statuses)}")


async def stock_of(shop: Shop, sku: str) -> dict[str, Any]:
    body: dict[str, Any] = ok(await shop["warehouse"].get(f"/api/v1/warehouse/stock/{sku}", headers=shop.admin))
    return body


async def purchase_scenario(shop: Shop) -> None:
    """Issue 3's scenario: a confirmed order lowers stock and shows in analytics; a second customer
    asking for more than remains is rejected naming the short SKU; cancelling the first releases it."""
    await open_shop(shop, {"KETTLE": 1999, "MUG": 500}, {"KETTLE": 5, "MUG": 10})

    alice = await customer(shop, "alice")
    cart_id = await check_out(shop, alice, {"KETTLE": 3, "MUG": 2})
    order = await order_of_cart(shop, alice, cart_id, TERMINAL_AFTER_PLACED)
    assert order["status"] == "confirmed", order
    assert order["total"] == {"amount": 3 * 1999 + 2 * 500, "currency": "EUR"}

    async def kettles_reserved() -> dict[str, Any] | None:
        kettle = await stock_of(shop, "KETTLE")
        return kettle if kettle["available"] == 2 else None

    kettle = await eventually(kettles_reserved, "the warehouse shows the reservation")
    assert (kettle["on_hand"], kettle["reserved"]) == (5, 3)

    ok(await shop["order"].post(f"/api/v1/order/orders/{order['id']}/pay", headers=alice))

    async def revenue() -> list[Any] | None:
        rows = ok(await shop["analytics"].get("/api/v1/analytics/revenue/by-product", headers=shop.admin))
        return rows if rows else None

    by_product = {row["sku"]: (row["units"], row["revenue"]) for row in await eventually(revenue, "analytics revenue")}
    assert by_product == {"KETTLE": (3, 3 * 1999), "MUG": (2, 2 * 500)}

    bob = await customer(shop, "bob")
    rejected = await order_of_cart(shop, bob, await check_out(shop, bob, {"KETTLE": 3}), TERMINAL_AFTER_PLACED)
    assert rejected["status"] == "rejected", rejected
    assert rejected["short_skus"] == ["KETTLE"]

    ok(await shop["order"].post(f"/api/v1/order/orders/{order['id']}/cancel", headers=alice))

    async def released() -> dict[str, Any] | None:
        kettle = await stock_of(shop, "KETTLE")
        return kettle if kettle["available"] == 5 else None

    await eventually(released, "cancelling releases the stock")
