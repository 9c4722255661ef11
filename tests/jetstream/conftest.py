from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import nats
import pytest

from martello.adapters.nats import JetStreamBus
from tests.servers import require_nats, unique_name


@pytest.fixture
def nats_url() -> str:
    return require_nats()


@pytest.fixture
async def buses(nats_url: str) -> AsyncIterator[Callable[..., JetStreamBus]]:
    """`buses()` is one more bus (a module replica) on this test's own stream, deleted afterwards."""
    stream = unique_name("TEST").upper()
    made: list[JetStreamBus] = []

    def make(url: str = nats_url, **options: object) -> JetStreamBus:
        bus = JetStreamBus(url, stream=stream, ack_wait=2.0, **options)  # type: ignore[arg-type]
        made.append(bus)
        return bus

    yield make
    for bus in made:
        await bus.stop()
    with contextlib.suppress(Exception):
        client = await nats.connect(nats_url, connect_timeout=1, allow_reconnect=False)
        with contextlib.suppress(Exception):
            await client.jetstream().delete_stream(stream)
        await client.close()
