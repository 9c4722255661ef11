"""Analytics fed integration messages on the bus (no other module running): revenue, carts, funnel and
stock movements; redelivery counted once; read models rebuilt from analytics' own log are identical."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.ids import new_id
from martello.modules.cart.contracts import CartAbandoned, CartCheckedOut, CartOpened
from martello.modules.order.contracts import (
    OrderCancelled,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
)
from martello.modules.warehouse.contracts import StockReceived, StockReleased, StockReserved, StockShipped
from tests.conftest import ShopClient, running_shop, shop_settings

Shop = Callable[..., AbstractAsyncContextManager[ShopClient]]
API = "/api/v1/analytics"
KETTLE = {"sku": "KETTLE", "quantity": 2, "price_amount": 1999, "currency": "EUR"}
MUG = {"sku": "MUG", "quantity": 1, "price_amount": 500, "currency": "EUR"}


def message(event: Event) -> Envelope[Event]:
    return Envelope(
        message_id=new_id(),
        type=event.__event_type__,
        schema_version=event.__schema_version__,
        stream_id="source-1",
        stream_version=1,
        position=1,
        timestamp=datetime.now(UTC),
        correlation_id="flow-1",
        causation_id=new_id(),
        actor="u-1",
        event=event,
    )


def paid(order_id: str, day: str, *lines: dict[str, Any]) -> Envelope[Event]:
    amount = sum(line["quantity"] * line["price_amount"] for line in lines)
    return message(
        OrderPaid(order_id=order_id, user_id="u-1", amount=amount, currency="EUR", lines=lines, paid_at=f"{day}T10:00Z")
    )


async def deliver(client: ShopClient, *messages: Envelope[Event]) -> None:
    await client.app.state.shop.bus.publish(list(messages))


async def get(client: ShopClient, path: str, **params: str) -> Any:
    module = client.app.state.shop.modules["analytics"]
    head = await module.context.store.head()
    for runner in module.projections.values():
        assert await runner.wait_for(head, 5.0)
    response = await client.get(f"{API}{path}", params=params, headers=client.admin)
    assert response.status_code == 200, response.text
    return response.json()


async def test_revenue_by_product_and_by_day_is_net_of_cancelled_payments(shop: Shop) -> None:
    async with shop(("analytics",)) as client:
        await deliver(
            client,
            paid("o-1", "2030-05-17", KETTLE, MUG),
            paid("o-2", "2030-05-17", MUG),
            paid("o-3", "2030-05-18", KETTLE),
            message(OrderCancelled(order_id="o-2", user_id="u-1", release_stock=True, lines=(MUG,))),
            message(OrderCancelled(order_id="o-9", user_id="u-1", release_stock=False, lines=(MUG,))),  # never paid
        )
        assert await get(client, "/revenue/by-product") == [
            {"sku": "KETTLE", "currency": "EUR", "units": 4, "revenue": 7996},
            {"sku": "MUG", "currency": "EUR", "units": 1, "revenue": 500},
        ]
        assert await get(client, "/revenue/by-day") == [
            {"day": "2030-05-17", "currency": "EUR", "orders": 1, "units": 3, "revenue": 4498},
            {"day": "2030-05-18", "currency": "EUR", "orders": 1, "units": 2, "revenue": 3998},
        ]
        assert [d["day"] for d in await get(client, "/revenue/by-day", since="2030-05-18")] == ["2030-05-18"]


async def test_carts_are_checked_out_abandoned_or_still_open(shop: Shop) -> None:
    async with shop(("analytics",)) as client:
        await deliver(
            client,
            *(message(CartOpened(cart_id=f"c-{i}", user_id=f"u-{i}")) for i in range(1, 5)),
            message(CartCheckedOut(cart_id="c-1", user_id="u-1", lines=(), total_amount=0, currency="EUR")),
            message(CartAbandoned(cart_id="c-2", user_id="u-2")),
            message(CartAbandoned(cart_id="c-3", user_id="u-3")),
            message(CartOpened(cart_id="c-3", user_id="u-3")),  # filled again: open once more
        )
        assert await get(client, "/carts") == {
            "opened": 4,
            "checked_out": 1,
            "abandoned": 1,
            "open": 2,
            "checkout_rate": 0.25,
        }


async def test_the_funnel_counts_the_orders_that_reached_each_stage(shop: Shop) -> None:
    placed = {"user_id": "u-1", "cart_id": "c", "lines": (MUG,), "total_amount": 500, "currency": "EUR"}
    async with shop(("analytics",)) as client:
        await deliver(
            client,
            *(message(OrderPlaced(order_id=f"o-{i}", **placed)) for i in range(1, 5)),
            *(
                message(OrderConfirmed(order_id=f"o-{i}", user_id="u-1", total_amount=500, currency="EUR"))
                for i in (1, 2, 3)
            ),
            message(OrderRejected(order_id="o-4", user_id="u-1", reason="short", short_skus=("MUG",))),
            paid("o-1", "2030-05-17", MUG),
            paid("o-2", "2030-05-17", MUG),
            message(OrderShipped(order_id="o-1", user_id="u-1", lines=(MUG,))),
            message(OrderCancelled(order_id="o-3", user_id="u-1", release_stock=True, lines=(MUG,))),
        )
        assert await get(client, "/funnel") == {
            "orders": 4,
            "placed": 4,
            "confirmed": 3,
            "rejected": 1,
            "paid": 2,
            "shipped": 1,
            "cancelled": 1,
        }


async def test_stock_movements_per_sku(shop: Shop) -> None:
    async with shop(("analytics",)) as client:
        await deliver(
            client,
            message(StockReceived(sku="MUG", quantity=10, on_hand=10)),
            message(StockReceived(sku="KETTLE", quantity=3, on_hand=3)),
            message(
                StockReserved(order_id="o-1", lines=({"sku": "MUG", "quantity": 2}, {"sku": "KETTLE", "quantity": 1}))
            ),
            message(StockReserved(order_id="o-2", lines=({"sku": "MUG", "quantity": 1},))),
            message(StockReleased(order_id="o-2", lines=({"sku": "MUG", "quantity": 1},))),
            message(StockShipped(order_id="o-1", lines=({"sku": "MUG", "quantity": 2},))),
        )
        assert await get(client, "/stock") == [
            {"sku": "KETTLE", "received": 3, "reserved": 1, "released": 0, "shipped": 0},
            {"sku": "MUG", "received": 10, "reserved": 3, "released": 1, "shipped": 2},
        ]
        assert [s["sku"] for s in await get(client, "/stock", sku="MUG")] == ["MUG"]


async def test_a_redelivered_message_is_recorded_and_counted_once(shop: Shop) -> None:
    async with shop(("analytics",)) as client:
        payment = paid("o-1", "2030-05-17", MUG)
        await deliver(client, payment, payment)
        await deliver(client, payment)
        assert await get(client, "/revenue/by-product") == [
            {"sku": "MUG", "currency": "EUR", "units": 1, "revenue": 500}
        ]
        recorded = await client.app.state.shop.modules["analytics"].context.store.read_all(0)
        assert len(recorded) == 1
        copy = recorded[0]
        assert (copy.type, copy.correlation_id, copy.causation_id) == (
            "order.public.OrderPaid",
            "flow-1",
            payment.message_id,
        )


async def test_dropped_read_models_are_rebuilt_identically_from_the_log(tmp_path: Path) -> None:
    settings = shop_settings(tmp_path / "var", ("analytics",))
    paths = ("/revenue/by-product", "/revenue/by-day", "/carts", "/funnel", "/stock")
    async with running_shop(settings) as client:
        await deliver(
            client,
            message(CartOpened(cart_id="c-1", user_id="u-1")),
            message(
                OrderPlaced(
                    order_id="o-1", user_id="u-1", cart_id="c-1", lines=(KETTLE,), total_amount=3998, currency="EUR"
                )
            ),
            message(StockReceived(sku="KETTLE", quantity=5, on_hand=5)),
            message(StockReserved(order_id="o-1", lines=({"sku": "KETTLE", "quantity": 2},))),
            paid("o-1", "2030-05-17", KETTLE),
        )
        before = [await get(client, path) for path in paths]
        tables = [
            t
            for runner in client.app.state.shop.modules["analytics"].projections.values()
            for t in runner.projection.tables
        ]

    with sqlite3.connect(tmp_path / "var" / "analytics.db") as db:
        for table in tables:
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM checkpoints")

    async with running_shop(settings) as client:
        assert [await get(client, path) for path in paths] == before
        assert before[0] == [{"sku": "KETTLE", "currency": "EUR", "units": 2, "revenue": 3998}]


async def test_analytics_is_for_administrators(shop: Shop) -> None:
    async with shop(("analytics",)) as client:
        for path in ("/revenue/by-product", "/revenue/by-day", "/carts", "/funnel", "/stock"):
            assert (await client.get(f"{API}{path}")).status_code == 401
            assert (await client.get(f"{API}{path}", headers=client.as_user("u-1"))).status_code == 403
        bad_day = await client.get(f"{API}/revenue/by-day", params={"since": "yesterday"}, headers=client.admin)
        assert bad_day.status_code == 422
        assert bad_day.json()["errors"][0]["field"] == "since"
