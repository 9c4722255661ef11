"""Contention is not an error: commands sent without `expected_version` that meet concurrent writes are
retried until they go in, so a burst of buyers sees only real outcomes, never 409 `concurrency-conflict`."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import ShopClient
from tests.e2e.test_purchase_flow import ORDER, eventually, open_shop, stock_of

BUYERS = 32
KETTLES_IN_STOCK = 20


async def check_out(client: ShopClient, buyer: dict[str, str]) -> tuple[list[int], str]:
    """One buyer fills their own cart and checks out: the statuses seen and the checked-out cart's id."""
    statuses = []
    for sku, quantity in (("KETTLE", 1), ("MUG", 2)):
        added = await client.post("/api/v1/cart/cart/items", json={"sku": sku, "quantity": quantity}, headers=buyer)
        statuses.append(added.status_code)
    checked_out = await client.post("/api/v1/cart/cart/checkout", headers=buyer)
    statuses.append(checked_out.status_code)
    return statuses, checked_out.json().get("id", "")


async def receive(client: ShopClient, sku: str, quantity: int) -> int:
    response = await client.post(
        f"/api/v1/warehouse/stock/{sku}/receive", json={"quantity": quantity}, headers=client.admin
    )
    return response.status_code


async def test_32_buyers_checking_out_at_once_see_no_conflict_only_confirmed_or_rejected_orders(
    client: ShopClient,
) -> None:
    await open_shop(client, {"KETTLE": KETTLES_IN_STOCK, "MUG": 2 * BUYERS})
    buyers = [client.as_user(f"buyer-{n}") for n in range(BUYERS)]

    # The buyers' checkouts reserve stock in the warehouse's one stream while the administrator receives
    # more mugs into it, two at a time: every write meets others.
    outcomes, receipts = await asyncio.gather(
        asyncio.gather(*(check_out(client, buyer) for buyer in buyers)),
        asyncio.gather(*(receive(client, "MUG", 2) for _ in range(BUYERS))),
    )

    assert receipts == [200] * BUYERS
    assert [statuses for statuses, _ in outcomes] == [[201, 201, 200]] * BUYERS
    orders: list[dict[str, Any]] = []
    for buyer, (_, cart_id) in zip(buyers, outcomes, strict=True):
        listed = await eventually(
            lambda buyer=buyer, cart_id=cart_id: client.get(  # type: ignore[misc]
                f"{ORDER}/orders", params={"cart_id": cart_id}, headers=buyer
            ),
            lambda r: r.status_code == 200 and [o["status"] for o in r.json()] in (["confirmed"], ["rejected"]),
            f"the order of cart {cart_id} to be confirmed or rejected",
        )
        orders.append(listed.json()[0])
    confirmed = [order for order in orders if order["status"] == "confirmed"]
    assert len(confirmed) == KETTLES_IN_STOCK  # every kettle sold, none twice
    kettles = await eventually(
        lambda: stock_of(client, "KETTLE"), lambda s: s["reserved"] == KETTLES_IN_STOCK, "every kettle reserved"
    )
    assert kettles["on_hand"] == KETTLES_IN_STOCK
    mugs = await eventually(lambda: stock_of(client, "MUG"), lambda s: s["on_hand"] == 4 * BUYERS, "every mug received")
    assert mugs["reserved"] == 2 * KETTLES_IN_STOCK


async def test_one_buyer_adding_from_many_tabs_at_once_gets_every_item_into_one_cart(client: ShopClient) -> None:
    await open_shop(client, {"KETTLE": 5})
    buyer = client.as_user("many-tabs")

    responses = await asyncio.gather(
        *(client.post("/api/v1/cart/cart/items", json={"sku": "MUG", "quantity": 1}, headers=buyer) for _ in range(24))
    )

    assert [r.status_code for r in responses] == [201] * 24
    assert len({r.json()["id"] for r in responses}) == 1  # one cart, opened once
    cart = await client.get(
        "/api/v1/cart/cart", headers=buyer, params={"min_position": max(r.json()["position"] for r in responses)}
    )
    assert cart.status_code == 200, cart.text
    assert [(line["sku"], line["quantity"]) for line in cart.json()["lines"]] == [("MUG", 24)]
