"""The distributed topology: the selected modules on PostgreSQL and/or NATS JetStream.

`martello run --modules order,warehouse --store-url postgresql://... --bus-url nats://...` starts
one service; run it again with other modules (or the same ones: replicas) to split the shop. Any
mix works: PostgreSQL with the in-process bus, SQLite with NATS, all six modules in one process.

Each module gets its own schema (`<prefix><module>`, e.g. `mtl_order`) holding its event log,
outbox, inbox, snapshots, read models and checkpoints; the schema is created and migrated at
start-up. A service started before its servers waits for them (retrying with backoff).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from martello.adapters.nats import JetStreamBus
from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore, memory_database
from martello.kernel.bus import InProcessBus, MessageBus
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.module import ModuleContext, ModuleStore
from martello.runtime.config import ConfigError, Settings
from martello.runtime.lock import DataDirectoryLock
from martello.runtime.registry import module_class
from martello.runtime.shop import Shop, available

STORE_SCHEMES = ("postgresql", "postgres")
BUS_SCHEMES = ("nats", "tls")


def check_urls(settings: Settings) -> None:
    if settings.store_url and urlsplit(settings.store_url).scheme not in STORE_SCHEMES:
        raise ConfigError(f"MTL_STORE_URL must be a postgresql:// URL, got {settings.store_url!r}")
    if settings.bus_url and urlsplit(settings.bus_url).scheme not in BUS_SCHEMES:
        raise ConfigError(f"MTL_BUS_URL must be a nats:// URL, got {settings.bus_url!r}")


def distributed_shop(settings: Settings, *, clock: Clock | None = None) -> Shop:
    check_urls(settings)
    bus: MessageBus = InProcessBus()
    if settings.bus_url:
        ack_wait = float(settings.extra.get("bus_ack_wait", "30"))  # MTL_BUS_ACK_WAIT: redelivery after (s)
        bus = JetStreamBus(settings.bus_url, stream=settings.bus_stream, ack_wait=ack_wait)
    shop = Shop(settings, bus=bus, clock=clock or SystemClock())
    for name in available(settings.modules):
        database: PostgresDatabase | SqliteDatabase
        store: ModuleStore
        if settings.store_url:
            database = PostgresDatabase(settings.store_url, f"{settings.store_schema_prefix}{name}")
            store = PostgresEventStore(database, clock=shop.clock, wait_for_server=math.inf)
        else:
            database = SqliteDatabase(settings.data_dir / f"{name}.db", synchronous=settings.sqlite_synchronous)
            store = SqliteEventStore(database, clock=shop.clock)
        context = ModuleContext(
            name=name,
            store=store,
            database=database,  # type: ignore[arg-type]  # both speak the Database port with their own cursor
            bus=bus,
            clock=shop.clock,
            settings=settings.module_settings(name),
            scratch=memory_database,
        )
        shop.databases.append(database)  # type: ignore[arg-type]
        shop.modules[name] = module_class(name)(context)
    if not settings.store_url:  # SQLite files in the data directory: one shop there at a time
        shop.data_dir_lock = DataDirectoryLock(settings.data_dir)
    return shop
