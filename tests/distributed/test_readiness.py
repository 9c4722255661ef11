"""The whole shop in one process on PostgreSQL + NATS: ready, and the catalog works end to end."""

from __future__ import annotations

import pytest

from tests.conftest import ShopClient

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


async def test_readyz_reports_every_module_and_the_message_bus(client: ShopClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    modules = response.json()["modules"]
    assert modules.pop("message-bus") is True
    assert modules and all(modules.values())
