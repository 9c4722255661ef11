"""An order's history over HTTP (its events with their envelopes, for the owner or an administrator) and the
order as of a version or an instant; a purchase through the real warehouse shows the causation chain."""

from __future__ import annotations

import asyncio
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart.contracts import CartCheckedOut
from martello.modules.warehouse.contracts import StockReservationFailed, StockReserved
from tests.e2e.test_purchase_flow import buy, open_shop, order_of_cart
from tests.order.test_order_fulfilment import API, CORRELATION, Shop, checkout, deliver, message, the_order
from tests.time_travel import LiveAnswers
from tests.waiting import eventually

PURCHASE = ("catalog", "warehouse", "cart", "order")


def problem_of(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


async def read(client: Any, path: str, headers: dict[str, str], **params: str | int) -> dict[str, Any]:
    response = await client.get(f"{API}{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def a_confirmed_order(client: Any) -> tuple[str, Envelope[Event], Envelope[Event]]:
    """u-1's order, placed by a checkout message and confirmed by a StockReserved message (no other module)."""
    cart_checked_out = checkout("cart-1", "u-1")
    await deliver(client, cart_checked_out)
    order_id: str = (await the_order(client))["id"]
    reserved = message(StockReserved(order_id=order_id, lines=()), "stock")
    await deliver(client, reserved)
    assert (await the_order(client))["status"] == "confirmed"
    return order_id, cart_checked_out, reserved


async def test_the_owner_and_administrators_read_an_orders_history(shop: Shop) -> None:
    async with shop(("order",)) as client:
        order_id, cart_checked_out, reserved = await a_confirmed_order(client)
        owner = client.as_user("u-1")

        mine = await read(client, f"/orders/{order_id}/history", owner)
        assert (mine["stream_id"], mine["version"]) == (f"order-{order_id}", 2)
        placed, confirmed = mine["events"]
        assert [e["type"] for e in mine["events"]] == ["order.OrderPlaced", "order.OrderConfirmed"]
        assert [(e["stream_version"], e["schema_version"]) for e in mine["events"]] == [(1, 1), (2, 1)]
        assert placed["position"] < confirmed["position"]
        assert {e["correlation_id"] for e in mine["events"]} == {CORRELATION}
        assert (placed["causation_id"], confirmed["causation_id"]) == (cart_checked_out.message_id, reserved.message_id)
        assert {e["actor"] for e in mine["events"]} == {"u-1"}
        assert placed["data"]["user_id"] == "u-1" and placed["data"]["total_amount"] == 4498
        assert [line["sku"] for line in placed["data"]["lines"]] == ["SKU-1", "SKU-2"]
        assert confirmed["data"] == {"order_id": order_id}
        assert all(e["message_id"] and e["timestamp"] for e in mine["events"])

        assert await read(client, f"/orders/{order_id}/history", client.admin) == mine
        ops = await client.get(f"/api/v1/ops/streams/order-{order_id}", headers=client.admin)
        assert ops.json()["events"] == mine["events"], "the same envelopes as the operators' stream listing"


async def test_another_customers_or_a_missing_orders_history_is_not_found(shop: Shop) -> None:
    async with shop(("order",)) as client:
        order_id, _, _ = await a_confirmed_order(client)
        other = client.as_user("u-2")

        hidden = await client.get(f"{API}/orders/{order_id}/history", headers=other)
        unknown = await client.get(f"{API}/orders/no-such-order/history", headers=other)
        missing = await client.get(f"{API}/orders/no-such-order/history", headers=client.admin)
        for response in (hidden, unknown, missing):
            assert response.status_code == 404
            assert problem_of(response)["code"] == "unknown-order", "the same answer as for the order itself"
        assert problem_of(hidden)["detail"].replace(order_id, "no-such-order") == problem_of(unknown)["detail"]
        the_order_itself = await client.get(f"{API}/orders/{order_id}", headers=other)
        assert problem_of(the_order_itself)["detail"] == problem_of(hidden)["detail"]

        anonymous = await client.get(f"{API}/orders/{order_id}/history")
        assert anonymous.status_code == 401
        assert problem_of(anonymous)["code"] == "unauthorized"


async def test_an_order_as_of_a_version_or_an_instant_is_the_order_then(shop: Shop) -> None:
    async with shop(("order",)) as client:
        await deliver(client, checkout("cart-1", "u-1"), checkout("cart-2", "u-2"))
        first, second = (await the_order(client, "u-1"))["id"], (await the_order(client, "u-2"))["id"]
        shortage = {"sku": "SKU-2", "requested": 1, "available": 0}
        await deliver(
            client,
            message(StockReserved(order_id=first, lines=()), "stock"),
            message(StockReservationFailed(order_id=second, shortages=(shortage,)), "stock"),
        )
        owner = client.as_user("u-1")
        paid = await client.post(f"{API}/orders/{first}/pay", headers=owner)
        assert paid.status_code == 200, paid.text
        now = await read(client, f"/orders/{first}", owner, min_position=paid.json()["position"])
        events = (await read(client, f"/orders/{first}/history", owner))["events"]

        statuses = [(await read(client, f"/orders/{first}", owner, as_of_version=v))["status"] for v in (1, 2, 3)]
        assert statuses == ["placed", "confirmed", "paid"]
        placed = await read(client, f"/orders/{first}", owner, as_of_version=1)
        assert (placed["version"], placed["paid_at"], placed["total"]) == (1, None, now["total"])
        assert placed["lines"] == now["lines"]
        for version, event in enumerate(events, start=1):
            then = await read(client, f"/orders/{first}", owner, as_of=event["timestamp"])
            assert then == await read(client, f"/orders/{first}", client.admin, as_of_version=version)
        latest = await read(client, f"/orders/{first}", owner, as_of_version=99)
        assert latest == now, "the latest version, times included, is exactly the read model's answer"
        assert latest == await read(client, f"/orders/{first}", owner, as_of="2999-01-01T00:00:00Z")

        rejected = await read(client, f"/orders/{second}", client.as_user("u-2"), as_of_version=2)
        assert (rejected["status"], rejected["short_skus"]) == ("rejected", ["SKU-2"])
        assert "SKU-2" in rejected["reason"]

        for params, headers in (
            ({"as_of": "2000-01-01T00:00:00Z"}, owner),  # before the order was placed
            ({"as_of_version": 1}, client.as_user("u-2")),  # someone else's order, then as now
        ):
            response = await client.get(f"{API}/orders/{first}", params=params, headers=headers)
            assert response.status_code == 404, params
            assert problem_of(response)["code"] == "unknown-order"
        assert (await client.get(f"{API}/orders/{first}", params={"as_of_version": 1})).status_code == 401


async def test_bad_time_travel_parameters_are_refused(shop: Shop) -> None:
    async with shop(("order",)) as client:
        await deliver(client, checkout())
        order_id = (await the_order(client))["id"]
        cases = [
            ({"as_of_version": 0}, "as_of_version"),
            ({"as_of_version": -1}, "as_of_version"),
            ({"as_of_version": "last"}, "as_of_version"),
            ({"as_of": "last tuesday"}, "as_of"),
            ({"as_of": "2024-02-30T10:00:00Z"}, "as_of"),
        ]
        for params, field in cases:
            response = await client.get(f"{API}/orders/{order_id}", params=params, headers=client.as_user("u-1"))
            assert response.status_code == 422, params
            assert [e["field"] for e in problem_of(response)["errors"]] == [field]


class Collected:
    """Every integration message of the given types that crosses the shop's bus."""

    def __init__(self, client: Any, *types: type[Event]) -> None:
        self.messages: list[Envelope[Event]] = []
        client.app.state.shop.bus.subscribe("test.order-history", [t.__event_type__ for t in types], self._collect)

    async def _collect(self, envelope: Envelope[Event]) -> None:
        self.messages.append(envelope)

    async def of(self, event_type: type[Event]) -> list[Envelope[Event]]:
        """The messages of that type, once there is one (the modules answer one another asynchronously)."""
        return await eventually(
            lambda: asyncio.sleep(0, [m for m in self.messages if isinstance(m.event, event_type)] or None),
            f"a {event_type.__event_type__} message to cross the bus",
        )


async def test_a_confirmed_orders_history_names_the_warehouses_reservation_as_its_cause(shop: Shop) -> None:
    async with shop(PURCHASE) as client:
        collected = Collected(client, CartCheckedOut, StockReserved)
        await open_shop(client, {"KETTLE": 5, "MUG": 10})
        alice = client.as_user("u-1")
        cart_id = await buy(client, alice, {"KETTLE": 2, "MUG": 1}, correlation="alice-buys")
        order = await order_of_cart(client, alice, cart_id, "confirmed")
        [reservation] = await collected.of(StockReserved)
        [checked_out] = await collected.of(CartCheckedOut)

        listing = await read(client, f"/orders/{order['id']}/history", alice)
        placed, *_, confirmed = listing["events"]
        assert [e["type"] for e in listing["events"]] == ["order.OrderPlaced", "order.OrderConfirmed"]
        assert placed["causation_id"] == checked_out.message_id, "placed because the cart was checked out"
        assert confirmed["causation_id"] == reservation.message_id, "confirmed because the warehouse reserved"
        assert reservation.event == StockReserved(order_id=order["id"], lines=reservation.event.lines)
        assert [e["correlation_id"] for e in listing["events"]] == ["alice-buys"] * 2
        assert reservation.correlation_id == "alice-buys"

        then = await read(client, f"/orders/{order['id']}", alice, as_of_version=1)
        assert (then["status"], then["version"], then["total"]) == ("placed", 1, order["total"])
        assert then["lines"] == order["lines"]


async def test_at_every_version_time_travel_answers_what_the_live_order_view_answered(shop: Shop) -> None:
    async with shop(("order",)) as client:
        owner = client.as_user("u-1")
        await deliver(client, checkout("cart-1", "u-1"))
        order_id = (await the_order(client, "u-1"))["id"]
        view = LiveAnswers(client, f"order-{order_id}", f"{API}/orders/{order_id}", owner)
        await view.record()
        await deliver(client, message(StockReserved(order_id=order_id, lines=()), "stock"))
        await view.record()
        for action, headers in (("pay", owner), ("ship", client.admin)):
            response = await client.post(f"{API}/orders/{order_id}/{action}", headers=headers)
            assert response.status_code == 200, response.text
            await view.record()

        await deliver(client, checkout("cart-2", "u-2"))
        other = (await the_order(client, "u-2"))["id"]
        rejected = LiveAnswers(client, f"order-{other}", f"{API}/orders/{other}", client.as_user("u-2"))
        await rejected.record()
        shortage = {"sku": "SKU-2", "requested": 1, "available": 0}
        await deliver(client, message(StockReservationFailed(order_id=other, shortages=(shortage,)), "stock"))
        await rejected.record()

        await view.assert_time_travel_answers_the_same()
        await rejected.assert_time_travel_answers_the_same()
