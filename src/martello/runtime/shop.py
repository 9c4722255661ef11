"""The shop: the modules of one process, wired to one topology's adapters, with their lifecycle."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore, memory_database
from martello.kernel.bus import InProcessBus, MessageBus
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.ids import uuid7
from martello.kernel.module import Module, ModuleContext
from martello.runtime.config import Settings
from martello.runtime.lock import DataDirectoryLock
from martello.runtime.registry import MODULES, module_class

log = logging.getLogger("martello")

READY_TIMEOUT = 2.0
"""Seconds a readiness probe waits for a module's storage to answer."""


@dataclass
class Shop:
    settings: Settings
    modules: dict[str, Module] = field(default_factory=dict)
    databases: list[SqliteDatabase] = field(default_factory=list)
    bus: MessageBus = field(default_factory=InProcessBus)
    clock: Clock = field(default_factory=SystemClock)
    started: bool = False
    data_dir_lock: DataDirectoryLock | None = None
    """Held while the shop runs on SQLite files in the data directory: one shop per directory."""

    @classmethod
    def embedded(cls, settings: Settings, *, clock: Clock | None = None) -> Shop:
        """Every selected module on its own SQLite database under the data directory, on an in-process bus."""
        shop = cls(settings, clock=clock or SystemClock())
        for name in available(settings.modules):
            database = SqliteDatabase(settings.data_dir / f"{name}.db", synchronous=settings.sqlite_synchronous)
            store = SqliteEventStore(database, clock=shop.clock)
            context = ModuleContext(
                name=name,
                store=store,
                database=database,
                bus=shop.bus,
                clock=shop.clock,
                settings=settings.module_settings(name),
                scratch=memory_database,
            )
            shop.databases.append(database)
            shop.modules[name] = module_class(name)(context)
        shop.data_dir_lock = DataDirectoryLock(settings.data_dir)
        return shop

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> Shop:
        """Embedded, unless the settings name a store (PostgreSQL) or bus (NATS) server to use instead."""
        if settings.store_url or settings.bus_url:
            from martello.runtime.distributed import distributed_shop

            return distributed_shop(settings, clock=clock)
        return cls.embedded(settings, clock=clock)

    async def open(self) -> None:
        """Open every module's storage and apply its migrations (idempotent), without starting work."""
        for database in self.databases:
            database.open()
        for module in self.modules.values():
            migrate = getattr(module.context.store, "migrate", None)
            if migrate is not None:
                await migrate()

    def claim_data_dir(self) -> None:
        """Take the data directory's lock, if this shop keeps its data there (`DataDirectoryInUse` if
        another shop does). `start` claims it; `martello run` claims it first, to refuse before listening."""
        if self.data_dir_lock is not None:
            self.data_dir_lock.acquire()

    async def start(self) -> None:
        log.info("martello starting...")
        self.claim_data_dir()
        await self.open()
        for name, module in self.modules.items():
            began = time.perf_counter()
            await module.init()
            log.info("%s module initialized in %.0f ms", name, (time.perf_counter() - began) * 1000)
        await self.bus.start()
        for name, module in self.modules.items():
            await module.start()
            log.info("%s module started", name)
        self.started = True

    async def stop(self) -> None:
        log.info("martello stopping...")
        self.started = False
        for name, module in reversed(self.modules.items()):
            await module.stop()
            log.info("%s module stopped", name)
        await self.bus.stop()
        for module in self.modules.values():
            close = getattr(module.context.store, "close", None)
            if close is not None:
                await close()
        for database in self.databases:
            database.close()
        if self.data_dir_lock is not None:
            self.data_dir_lock.release()
        log.info("martello stopped")

    def close(self) -> None:
        for database in self.databases:
            database.close()

    def scratch_database(self, module: str) -> SqliteDatabase:
        """An empty database beside the module's, for rebuilding read models."""
        path = self.settings.data_dir / f".rebuild-{module}-{uuid7()}.db"
        database = SqliteDatabase(path, synchronous="OFF")
        database.open()
        return database

    def drop_scratch(self, database: SqliteDatabase) -> None:
        database.close()
        for suffix in ("", "-wal", "-shm"):
            database.path.with_name(database.path.name + suffix).unlink(missing_ok=True)

    async def ready(self) -> dict[str, bool]:
        """Per module: can it reach its storage right now? And the message bus, when it is a server.
        All false, without probing, until the shop has started (it may be waiting for those servers)."""
        report = {name: False for name in self.modules}
        for name, module in self.modules.items() if self.started else ():
            try:
                database = module.context.database
                ping = getattr(database, "ping", None)  # a server: a quick probe that never piles up
                check = ping() if ping else database.read(lambda tx: tx.execute("SELECT 1").fetchone())
                reached = await asyncio.wait_for(check, READY_TIMEOUT)
                report[name] = self.started and reached is not False
            except Exception:
                report[name] = False
        connected = getattr(self.bus, "connected", None)
        if connected is not None:
            report["message-bus"] = bool(connected)
        return report


def available(names: Sequence[str]) -> list[str]:
    """The selected modules that this build has, in the order of the registry."""
    return [name for name in MODULES if name in names]
