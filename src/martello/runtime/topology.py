"""Where a shop's modules keep their data and send their integration events, as the settings say.

Embedded (the default): every module on its own SQLite file in the data directory, integration
events on an in-process bus. `MTL_STORE_URL=postgresql://...` puts every module on its own schema
there (`<prefix><module>`, e.g. `mtl_order`) holding its event log, outbox, inbox, snapshots, read
models and checkpoints; `MTL_BUS_URL=nats://...` carries integration events over NATS JetStream.
Any mix works, and `martello run --modules order,warehouse ...` runs some modules as one service:
run it again with other modules (or the same ones: replicas) to split the shop. A service started
before its servers waits for them (retrying with backoff).

`Shop.from_settings` builds the modules on what `topology` returns; nothing else in the runtime
asks which engine or bus it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from martello.adapters.sqlite import SqliteStorage
from martello.kernel.bus import InProcessBus, MessageBus
from martello.kernel.module import Storage
from martello.runtime.config import ConfigError, Settings

STORE_SCHEMES = ("postgresql", "postgres")
BUS_SCHEMES = ("nats", "tls")


@dataclass(frozen=True, slots=True)
class Topology:
    storage: Storage
    bus: MessageBus


def check_urls(settings: Settings) -> None:
    if settings.store_url and urlsplit(settings.store_url).scheme not in STORE_SCHEMES:
        raise ConfigError(f"MTL_STORE_URL must be a postgresql:// URL, got {settings.store_url!r}")
    if settings.bus_url and urlsplit(settings.bus_url).scheme not in BUS_SCHEMES:
        raise ConfigError(f"MTL_BUS_URL must be a nats:// URL, got {settings.bus_url!r}")


def topology(settings: Settings) -> Topology:
    """The storage and bus the settings name (the server adapters are imported only when named)."""
    check_urls(settings)
    return Topology(storage_of(settings), bus_of(settings))


def storage_of(settings: Settings) -> Storage:
    if settings.store_url:
        from martello.adapters.postgres import PostgresStorage

        return PostgresStorage(settings.store_url, schema_prefix=settings.store_schema_prefix)
    return SqliteStorage(settings.data_dir, synchronous=settings.sqlite_synchronous)


def bus_of(settings: Settings) -> MessageBus:
    if settings.bus_url:
        from martello.adapters.nats import JetStreamBus

        ack_wait = float(settings.extra.get("bus_ack_wait", "30"))  # MTL_BUS_ACK_WAIT: redelivery after (s)
        return JetStreamBus(settings.bus_url, stream=settings.bus_stream, ack_wait=ack_wait)
    return InProcessBus()
