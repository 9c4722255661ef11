"""The distributed topology in one test process: every module on PostgreSQL, events over NATS.

The `shop` and `client` fixtures here replace the embedded ones for the tests in this package, so
an end-to-end scenario imported here runs unchanged on the servers. Each test gets its own schema
prefix and stream, dropped afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import nats
import pytest

from martello.adapters.postgres import PostgresDatabase
from martello.runtime.config import ALL_MODULES
from tests.conftest import ShopClient, running_shop, shop_settings
from tests.servers import require_nats, require_postgres, unique_name

StartShop = Callable[..., AbstractAsyncContextManager[ShopClient]]


@pytest.fixture
def servers() -> tuple[str, str]:
    return require_postgres(), require_nats()


@pytest.fixture
def namespace() -> str:
    """This test's schema prefix (`t_1a2b3c4d_`); its stream is the same in upper case."""
    return unique_name("t") + "_"


@pytest.fixture
async def shop(tmp_path: Path, servers: tuple[str, str], namespace: str) -> AsyncIterator[StartShop]:
    """`async with shop() as client:` runs the modules on PostgreSQL + NATS JetStream."""
    store_url, bus_url = servers
    stream = namespace.strip("_").upper()

    def start(modules: tuple[str, ...] = ALL_MODULES, **overrides: object) -> AbstractAsyncContextManager[ShopClient]:
        settings = shop_settings(
            tmp_path / "var",
            modules,
            store_url=store_url,
            bus_url=bus_url,
            store_schema_prefix=namespace,
            bus_stream=stream,
            **overrides,
        )
        return running_shop(settings)

    yield start
    await drop_namespace(store_url, bus_url, namespace)


async def drop_namespace(store_url: str, bus_url: str, namespace: str) -> None:
    for module in ALL_MODULES:
        database = PostgresDatabase(store_url, namespace + module, pool_size=1)
        try:
            await database.drop_schema()
        finally:
            database.close()
    with contextlib.suppress(Exception):
        client = await nats.connect(bus_url, connect_timeout=1, allow_reconnect=False)
        with contextlib.suppress(Exception):
            await client.jetstream().delete_stream(namespace.strip("_").upper())
        await client.close()


@pytest.fixture
async def client(shop: StartShop) -> AsyncIterator[ShopClient]:
    async with shop() as running:
        yield running
