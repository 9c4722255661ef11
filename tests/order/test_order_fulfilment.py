"""The fulfilment process manager, fed integration messages on the bus (no cart or warehouse running):
checkout -> placed -> confirmed / rejected; every redelivery changes nothing; a restart continues."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.ids import new_id
from martello.modules.cart.contracts import CartCheckedOut
from martello.modules.warehouse.contracts import StockReservationFailed, StockReserved
from tests.conftest import ShopClient, running_shop, shop_settings

Shop = Callable[..., AbstractAsyncContextManager[ShopClient]]
API = "/api/v1/order"
CORRELATION = "checkout-request-1"
LINES = (
    {"sku": "SKU-1", "name": "Kettle", "quantity": 2, "price_amount": 1999, "currency": "EUR"},
    {"sku": "SKU-2", "name": "Mug", "quantity": 1, "price_amount": 500, "currency": "EUR"},
)


def message(event: Event, stream_id: str, correlation: str = CORRELATION) -> Envelope[Event]:
    """An integration message as another module's outbox would publish it."""
    return Envelope(
        message_id=new_id(),
        type=event.__event_type__,
        schema_version=event.__schema_version__,
        stream_id=stream_id,
        stream_version=1,
        position=1,
        timestamp=datetime.now(UTC),
        correlation_id=correlation,
        causation_id=new_id(),
        actor="u-1",
        event=event,
    )


def checkout(cart_id: str = "cart-1", user_id: str = "u-1") -> Envelope[Event]:
    event = CartCheckedOut(cart_id=cart_id, user_id=user_id, lines=LINES, total_amount=4498, currency="EUR")
    return message(event, f"cart-{cart_id}")


async def deliver(client: ShopClient, *messages: Envelope[Event]) -> None:
    await client.app.state.shop.bus.publish(list(messages))


async def stored(client: ShopClient) -> list[Envelope[Event]]:
    envelopes: list[Envelope[Event]] = await client.app.state.shop.modules["order"].context.store.read_all(0)
    return envelopes


async def the_order(client: ShopClient, user: str = "u-1") -> dict[str, Any]:
    head = await client.app.state.shop.modules["order"].context.store.head()
    listed = await client.get(f"{API}/orders", params={"min_position": head}, headers=client.as_user(user))
    assert listed.status_code == 200, listed.text
    orders: list[dict[str, Any]] = listed.json()
    assert len(orders) == 1
    return orders[0]


async def test_a_checkout_places_an_order_caused_by_that_message(shop: Shop) -> None:
    async with shop(("order",)) as client:
        cart_checked_out = checkout()
        await deliver(client, cart_checked_out)

        order = await the_order(client)
        assert order["status"] == "placed"
        assert order["total"] == {"amount": 4498, "currency": "EUR"}
        assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [("SKU-1", 2), ("SKU-2", 1)]
        [placed] = await stored(client)
        assert placed.type == "order.OrderPlaced"
        assert (placed.correlation_id, placed.causation_id) == (CORRELATION, cart_checked_out.message_id)
        assert placed.actor == "u-1"


async def test_reserved_stock_confirms_and_a_shortage_rejects_naming_the_sku(shop: Shop) -> None:
    async with shop(("order",)) as client:
        await deliver(client, checkout("cart-1", "u-1"), checkout("cart-2", "u-2"))
        first, second = (await the_order(client, "u-1"))["id"], (await the_order(client, "u-2"))["id"]

        reserved = message(StockReserved(order_id=first, lines=()), "stock")
        shortage = {"sku": "SKU-2", "requested": 1, "available": 0}
        failed = message(StockReservationFailed(order_id=second, shortages=(shortage,)), "stock")
        await deliver(client, reserved, failed)

        assert (await the_order(client, "u-1"))["status"] == "confirmed"
        rejected = await the_order(client, "u-2")
        assert rejected["status"] == "rejected"
        assert rejected["short_skus"] == ["SKU-2"]
        assert "SKU-2" in rejected["reason"]
        causes = {e.type: e.causation_id for e in await stored(client)}
        assert causes["order.OrderConfirmed"] == reserved.message_id
        assert causes["order.OrderRejected"] == failed.message_id


async def test_redelivering_every_message_changes_nothing(shop: Shop) -> None:
    async with shop(("order",)) as client:
        first_checkout, second_checkout = checkout("cart-1", "u-1"), checkout("cart-2", "u-2")
        await deliver(client, first_checkout, second_checkout)
        first, second = (await the_order(client, "u-1"))["id"], (await the_order(client, "u-2"))["id"]
        reserved = message(StockReserved(order_id=first, lines=()), "stock")
        shortage = {"sku": "SKU-1", "requested": 2, "available": 1}
        failed = message(StockReservationFailed(order_id=second, shortages=(shortage,)), "stock")
        await deliver(client, reserved, failed)
        before = await stored(client)

        everything = (first_checkout, second_checkout, reserved, failed)
        await deliver(client, *everything, *reversed(everything))
        await deliver(client, checkout("cart-1", "u-1"))  # the same cart in a new message: still one order
        await deliver(client, message(StockReservationFailed(order_id=first, shortages=()), "stock"))  # too late
        await deliver(client, message(StockReserved(order_id=second, lines=()), "stock"))  # contradicts, ignored

        assert await stored(client) == before
        assert (await the_order(client, "u-1"))["status"] == "confirmed"
        assert (await the_order(client, "u-2"))["status"] == "rejected"


async def test_a_message_about_an_unknown_order_is_parked_and_an_empty_checkout_refused_not_retried_forever(
    shop: Shop,
) -> None:
    async with shop(("order",)) as client:
        unknown = message(StockReserved(order_id="no-such-order", lines=()), "stock")
        await deliver(client, unknown)
        bad_checkout = CartCheckedOut(cart_id="c", user_id="u-1", lines=(), total_amount=0, currency="EUR")
        await deliver(client, message(bad_checkout, "cart-c"))
        assert await stored(client) == []
        letters = (await client.get("/api/v1/ops/dead-letters", headers=client.admin)).json()
        assert [(d["message_id"], d["error"].split(":")[0]) for d in letters] == [(unknown.message_id, "NotFound")]


async def test_a_restart_continues_a_half_done_flow(tmp_path: Path) -> None:
    settings = shop_settings(tmp_path / "var", ("order",))
    async with running_shop(settings) as client:
        await deliver(client, checkout())
        order_id = (await the_order(client))["id"]
        assert (await the_order(client))["status"] == "placed"

    async with running_shop(settings) as client:  # a new process on the same data directory
        reserved = message(StockReserved(order_id=order_id, lines=()), "stock")
        await deliver(client, reserved, checkout())
        order = await the_order(client)
        assert (order["id"], order["status"]) == (order_id, "confirmed")

    async with running_shop(settings) as client:
        await deliver(client, reserved)  # redelivered after yet another restart
        assert [e.type for e in await stored(client)] == ["order.OrderPlaced", "order.OrderConfirmed"]
