"""The warehouse through HTTP (receiving, stock queries) and through order events (reserve, release, ship)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.ids import new_id
from martello.modules.order.contracts import OrderCancelled, OrderPlaced, OrderShipped
from martello.modules.warehouse import contracts
from martello.modules.warehouse.domain.events import StockReceived
from tests.conftest import ShopClient
from tests.races import Race
from tests.waiting import answer_if, eventually

API = "/api/v1/warehouse"
MODULES = ("warehouse",)


def problem_of(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


async def receive(client: ShopClient, sku: str, quantity: int) -> int:
    response = await client.post(f"{API}/stock/{sku}/receive", json={"quantity": quantity}, headers=client.admin)
    assert response.status_code == 200, response.text
    position: int = response.json()["position"]
    return position


async def stock(client: ShopClient, sku: str, position: int | None = None) -> dict[str, Any]:
    params = {"min_position": position} if position else {}
    response = await client.get(f"{API}/stock/{sku}", params=params, headers=client.admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class Published:
    """Collects what the warehouse publishes on the shop's bus."""

    TYPES = [
        contracts.StockReceived.__event_type__,
        contracts.StockReserved.__event_type__,
        contracts.StockReservationFailed.__event_type__,
        contracts.StockReleased.__event_type__,
        contracts.StockShipped.__event_type__,
    ]

    def __init__(self, client: ShopClient) -> None:
        self.messages: list[Envelope[Event]] = []
        self.bus = client.app.state.shop.bus
        self.bus.subscribe("test.collector", self.TYPES, self._collect)

    async def _collect(self, envelope: Envelope[Event]) -> None:
        self.messages.append(envelope)

    async def about(self, order_id: str, count: int = 1) -> list[Envelope[Event]]:
        """Wait (boundedly) until `count` messages about the order arrived."""

        async def found() -> list[Envelope[Event]] | None:
            matching = [m for m in self.messages if getattr(m.event, "order_id", None) == order_id]
            return matching if len(matching) >= count else None

        return await eventually(found, f"the warehouse to publish {count} message(s) about {order_id}")

    async def everything_relayed(self, client: ShopClient) -> None:
        """Wait until the warehouse's outbox is empty: every message it committed has reached the bus."""
        store = client.app.state.shop.modules["warehouse"].context.store
        await eventually(lambda: answer_if(store.pending(1), lambda left: left == []), "the warehouse outbox to drain")

    async def deliver(self, event: Event, message_id: str | None = None) -> Envelope[Event]:
        """Publish an order event as the order module's outbox would."""
        envelope: Envelope[Event] = Envelope(
            message_id=message_id or new_id(),
            type=event.__event_type__,
            schema_version=event.__schema_version__,
            stream_id=f"order-{getattr(event, 'order_id', 'x')}",
            stream_version=1,
            position=1,
            timestamp=datetime.now(UTC),
            correlation_id="checkout-flow",
            causation_id=new_id(),
            actor="u-1",
            event=event,
        )
        await self.bus.publish([envelope])
        return envelope


def placed(order_id: str, *lines: tuple[str, int]) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        user_id="u-1",
        cart_id="c-1",
        lines=tuple({"sku": sku, "quantity": q, "price_amount": 100, "currency": "EUR"} for sku, q in lines),
        total_amount=100,
        currency="EUR",
    )


async def test_received_stock_is_listed_and_looked_up(shop: Any) -> None:
    async with shop(MODULES) as client:
        await receive(client, "HAT", 5)
        position = await receive(client, "HAT", 2)
        await receive(client, "CAP", 1)
        assert await stock(client, "HAT", position) == {
            "sku": "HAT",
            "on_hand": 7,
            "reserved": 0,
            "available": 7,
            "updated_at": (await stock(client, "HAT"))["updated_at"],
        }
        listed = await client.get(f"{API}/stock", params={"min_position": position + 1}, headers=client.admin)
        assert [(s["sku"], s["on_hand"]) for s in listed.json()] == [("CAP", 1), ("HAT", 7)]


async def test_an_order_reserves_all_its_lines_or_nothing(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        await receive(client, "HAT", 5)
        await receive(client, "CAP", 1)

        first = await published.deliver(placed("o-1", ("HAT", 3), ("CAP", 1)))
        [reserved] = await published.about("o-1")
        assert reserved.event == contracts.StockReserved(
            order_id="o-1", lines=({"sku": "HAT", "quantity": 3}, {"sku": "CAP", "quantity": 1})
        )
        assert (reserved.correlation_id, reserved.causation_id) == ("checkout-flow", first.message_id)

        await published.deliver(placed("o-2", ("HAT", 2), ("CAP", 1), ("SCARF", 4)))
        [failed] = await published.about("o-2")
        assert failed.event == contracts.StockReservationFailed(
            order_id="o-2",
            shortages=(
                {"sku": "CAP", "requested": 1, "available": 0},
                {"sku": "SCARF", "requested": 4, "available": 0},
            ),
        )
        hats = await stock(client, "HAT", failed.position)
        assert (hats["on_hand"], hats["reserved"], hats["available"]) == (5, 3, 2)


async def test_redelivered_and_repeated_orders_change_nothing(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        await receive(client, "HAT", 5)
        message_id = new_id()
        await published.deliver(placed("o-1", ("HAT", 2)), message_id)
        await published.deliver(placed("o-1", ("HAT", 2)), message_id)  # the same message again
        await published.deliver(placed("o-1", ("HAT", 3)))  # another request for the same order
        [reserved] = await published.about("o-1")
        await published.everything_relayed(client)  # so a wrong second message would be here by now
        assert [m.event for m in published.messages if getattr(m.event, "order_id", None) == "o-1"] == [
            contracts.StockReserved(order_id="o-1", lines=({"sku": "HAT", "quantity": 2},))
        ]
        assert (await stock(client, "HAT", reserved.position))["reserved"] == 2


async def test_cancelling_releases_and_shipping_ships(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        await receive(client, "HAT", 5)
        await published.deliver(placed("o-1", ("HAT", 2)))
        await published.deliver(placed("o-2", ("HAT", 1)))
        await published.about("o-2")

        lines = ({"sku": "HAT", "quantity": 2, "price_amount": 100, "currency": "EUR"},)
        await published.deliver(OrderCancelled(order_id="o-1", user_id="u-1", release_stock=False, lines=lines))
        cancel = OrderCancelled(order_id="o-1", user_id="u-1", release_stock=True, lines=lines)
        cancelled = await published.deliver(cancel)
        _, released = await published.about("o-1", 2)
        assert released.event == contracts.StockReleased(order_id="o-1", lines=({"sku": "HAT", "quantity": 2},))
        assert released.causation_id == cancelled.message_id

        await published.deliver(OrderShipped(order_id="o-2", user_id="u-1", lines=lines))
        _, shipped = await published.about("o-2", 2)
        assert shipped.event == contracts.StockShipped(order_id="o-2", lines=({"sku": "HAT", "quantity": 1},))
        hats = await stock(client, "HAT", shipped.position)
        assert (hats["on_hand"], hats["reserved"], hats["available"]) == (4, 0, 4)


async def test_a_message_no_rule_accepts_is_set_aside(shop: Any) -> None:
    async with shop(MODULES) as client:
        published = Published(client)
        never = await published.deliver(OrderShipped(order_id="o-never-reserved", user_id="u-1", lines=()))
        malformed = await published.deliver(placed("o-bad", ("not a sku!", 1)))
        database = client.app.state.shop.modules["warehouse"].context.database
        store = client.app.state.shop.modules["warehouse"].context.store
        expected = sorted([never.message_id, malformed.message_id])

        async def handled() -> list[str] | None:
            rows = await database.read(
                lambda tx: tx.execute("SELECT message_id FROM inbox WHERE consumer = 'warehouse.orders'").fetchall()
            )
            ids = sorted(row[0] for row in rows)
            return ids if ids == expected else None

        await eventually(handled, "the warehouse to mark both messages handled")
        assert await store.head() == 0, "neither message stored an event"
        position = await receive(client, "HAT", 1)  # the warehouse still works
        assert (await stock(client, "HAT", position))["on_hand"] == 1
        await published.everything_relayed(client)
        assert [m.type for m in published.messages] == ["warehouse.public.StockReceived"]


async def test_bad_input_is_refused_with_a_problem_and_nothing_is_stored(shop: Any) -> None:
    async with shop(MODULES) as client:
        admin = client.admin
        for body, field in (({}, "quantity"), ({"quantity": 0}, "quantity"), ({"quantity": "3"}, "quantity")):
            response = await client.post(f"{API}/stock/HAT/receive", json=body, headers=admin)
            assert response.status_code == 422, response.text
            assert problem_of(response)["errors"][0]["field"] == field
        extra = await client.post(f"{API}/stock/HAT/receive", json={"quantity": 1, "price": 3}, headers=admin)
        assert extra.status_code == 422
        bad_sku = await client.post(f"{API}/stock/HAT!/receive", json={"quantity": 1}, headers=admin)
        assert bad_sku.status_code == 422
        assert problem_of(bad_sku)["errors"][0]["field"] == "sku"

        assert await client.app.state.shop.modules["warehouse"].context.store.head() == 0, "nothing is stored"
        assert (await client.get(f"{API}/stock", headers=admin)).json() == []
        unknown = await client.get(f"{API}/stock/HAT", headers=admin)
        assert unknown.status_code == 404
        assert problem_of(unknown)["details"] == {"sku": "HAT"}


async def test_stock_is_for_administrators(shop: Any) -> None:
    async with shop(MODULES) as client:
        body = {"quantity": 1}
        assert (await client.post(f"{API}/stock/HAT/receive", json=body)).status_code == 401
        customer = client.as_user("u-1")
        refused = await client.post(f"{API}/stock/HAT/receive", json=body, headers=customer)
        assert refused.status_code == 403
        assert problem_of(refused)["code"] == "forbidden"
        assert (await client.get(f"{API}/stock", headers=customer)).status_code == 403
        assert (await client.get(f"{API}/stock/HAT")).status_code == 401


async def test_a_receipt_that_loses_a_race_is_applied_again_on_the_winners_stock(shop: Any) -> None:
    async with shop(MODULES) as client:
        # Given 5 hats, and another write (3 more hats) landing just before the next receipt is stored
        await receive(client, "HAT", 5)
        store = client.app.state.shop.modules["warehouse"].context.store
        race = Race(store, "warehouse-main", [recorded_receipt("HAT", 3, on_hand=8)])
        # When 2 hats are received
        position = await receive(client, "HAT", 2)
        # Then the receipt was decided again on the 8 hats the race left: 10, not 7
        assert race.appends == 2, "one lost attempt, one that landed"
        assert (await stock(client, "HAT", position))["on_hand"] == 10
        stream = await store.read_stream("warehouse-main")
        assert [(e.event.quantity, e.event.on_hand) for e in stream] == [(5, 5), (3, 8), (2, 10)]


async def test_a_receipt_that_keeps_losing_races_is_refused_as_a_conflict_and_stores_nothing(shop: Any) -> None:
    async with shop(MODULES) as client:
        await receive(client, "HAT", 5)
        store = client.app.state.shop.modules["warehouse"].context.store
        race = Race(store, "warehouse-main", [recorded_receipt("HAT", 1, on_hand=6)], times=1000)
        response = await client.post(f"{API}/stock/HAT/receive", json={"quantity": 2}, headers=client.admin)
        assert response.status_code == 409, response.text
        assert problem_of(response)["code"] == "concurrency-conflict"
        assert 1 < race.appends < 1000, "retried, but not for ever"
        quantities = [e.event.quantity for e in await store.read_stream("warehouse-main")]
        assert quantities == [5] + [1] * race.appends, "only the racing writes landed"


def recorded_receipt(sku: str, quantity: int, on_hand: int) -> Event:
    """A receipt as the warehouse itself records it (its domain event, not the published contract)."""
    return StockReceived(sku=sku, quantity=quantity, on_hand=on_hand)
