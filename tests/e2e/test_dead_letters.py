"""A message a consumer keeps failing on is parked after a bounded number of attempts, the messages after
it flow, and an operator re-delivers it (HTTP or CLI) once the cause is fixed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from martello.kernel.envelope import Envelope
from martello.runtime.cli import main as cli
from tests.conftest import ShopClient
from tests.order.test_order_fulfilment import checkout, deliver, the_order

Shop = Callable[..., AbstractAsyncContextManager[ShopClient]]
OPS = "/api/v1/ops/dead-letters"


async def test_a_failing_message_is_parked_later_ones_flow_and_a_retry_after_the_fix_delivers_it(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with shop(("order",)) as client:
        fulfilment = client.app.state.shop.modules["order"].consumers["order.fulfilment"]
        place = fulfilment._place
        broken = {"cart-bad-1", "cart-bad-2"}

        async def place_unless_broken(envelope: Envelope[Any]) -> None:
            if envelope.event.cart_id in broken:
                raise RuntimeError(f"bug placing {envelope.event.cart_id}")
            await place(envelope)

        fulfilment._place = place_unless_broken
        await deliver(client, checkout("cart-bad-1", "u-1"), checkout("cart-bad-2", "u-2"), checkout("cart-3", "u-3"))
        assert (await the_order(client, "u-3"))["status"] == "placed", "the message after the poison ones flowed"

        listed = await client.get(OPS, headers=client.admin)
        assert listed.status_code == 200
        letters = listed.json()
        assert [(d["module"], d["consumer"], d["type"], d["attempts"]) for d in letters] == [
            ("order", "order.fulfilment", "cart.public.CartCheckedOut", fulfilment.attempts)
        ] * 2
        assert letters[0]["error"] == "RuntimeError: bug placing cart-bad-1"
        assert letters[0]["envelope"]["data"]["cart_id"] == "cart-bad-1"
        assert (await client.get(OPS, headers=client.as_user("u-1"))).status_code == 403
        metrics = (await client.get("/metrics")).text
        assert 'martello_dead_letters{module="order",consumer="order.fulfilment"} 2' in metrics
        assert 'martello_messages_parked_total{module="order",consumer="order.fulfilment"} 2' in metrics

        first, second = letters[0]["id"], letters[1]["id"]
        again = await client.post(f"{OPS}/{first}/retry", headers=client.admin)
        assert again.status_code == 409 and again.json()["code"] == "still-failing"
        assert (await client.get(OPS, headers=client.admin)).json()[0]["attempts"] == fulfilment.attempts + 1

        broken.clear()  # the fix is deployed
        retried = await client.post(f"{OPS}/{first}/retry", headers=client.admin)
        assert retried.status_code == 200, retried.text
        assert retried.json()["outcome"] == "delivered"
        assert (await the_order(client, "u-1"))["status"] == "placed"
        assert (await client.post(f"{OPS}/{first}/retry", headers=client.admin)).status_code == 404

        data_dir = str(tmp_path / "var")
        assert await asyncio.to_thread(cli, ["messages", "dead-letters", "--data-dir", data_dir]) == 0
        listing = capsys.readouterr().out
        assert second in listing and first not in listing and "RuntimeError: bug placing cart-bad-2" in listing
        retry_second = ["messages", "dead-letters", "--retry", second, "--data-dir", data_dir]
        assert await asyncio.to_thread(cli, retry_second) == 0
        assert "dead letter removed" in capsys.readouterr().out
        assert (await the_order(client, "u-2"))["status"] == "placed"
        assert (await client.get(OPS, headers=client.admin)).json() == []
