"""How `Shop.from_settings` wires a topology, without starting anything (no server needed):
which store and bus each module gets, on which schema, and which URLs are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from martello.adapters.nats import JetStreamBus
from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.bus import InProcessBus
from martello.runtime.config import ConfigError, Settings
from martello.runtime.shop import Shop
from martello.runtime.topology import check_urls


def test_a_bus_url_puts_sqlite_modules_on_jetstream(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, modules=("cart", "order"), bus_url="nats://127.0.0.1:1", bus_stream="SHOPTEST",
        extra={"bus_ack_wait": "7.5"},
    )  # fmt: skip
    shop = Shop.from_settings(settings)
    try:
        assert isinstance(shop.bus, JetStreamBus)
        assert (shop.bus.url, shop.bus.stream, shop.bus.ack_wait) == ("nats://127.0.0.1:1", "SHOPTEST", 7.5)
        assert set(shop.modules) == {"cart", "order"}
        for name, module in shop.modules.items():
            assert isinstance(module.context.store, SqliteEventStore)
            assert isinstance(module.context.database, SqliteDatabase)
            assert module.context.database.path == tmp_path / f"{name}.db"
            assert module.context.bus is shop.bus
            assert module.context.clock is shop.clock
            assert module.context.settings["bus_ack_wait"] == "7.5"
        assert len(shop.databases) == 2
    finally:
        for database in shop.databases:
            database.close()


def test_a_store_url_puts_each_module_on_its_own_postgresql_schema(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, modules=("warehouse",), store_url="postgresql://nobody@127.0.0.1:1/shop",
        store_schema_prefix="shoptest_",
    )  # fmt: skip
    shop = Shop.from_settings(settings)
    assert isinstance(shop.bus, InProcessBus), "no bus URL: the in-process bus"
    context = shop.modules["warehouse"].context
    assert isinstance(context.store, PostgresEventStore)
    assert isinstance(context.database, PostgresDatabase)
    assert context.database.schema == "shoptest_warehouse"
    assert shop.databases == [context.database]


@pytest.mark.parametrize(
    ("store_url", "bus_url", "refused"),
    [
        ("mysql://db/shop", None, "MTL_STORE_URL must be a postgresql:// URL, got 'mysql://db/shop'"),
        (None, "amqp://mq", "MTL_BUS_URL must be a nats:// URL, got 'amqp://mq'"),
    ],
)
def test_urls_of_other_systems_are_refused(tmp_path: Path, store_url: str, bus_url: str, refused: str) -> None:
    settings = Settings(data_dir=tmp_path, store_url=store_url, bus_url=bus_url)
    with pytest.raises(ConfigError) as error:
        Shop.from_settings(settings)
    assert str(error.value) == refused


def test_postgres_and_nats_urls_in_their_spellings_are_accepted(tmp_path: Path) -> None:
    for store_url in ("postgresql://h/db", "postgres://h/db", None):
        for bus_url in ("nats://h:4222", "tls://h:4222", None):
            check_urls(Settings(data_dir=tmp_path, store_url=store_url, bus_url=bus_url))
