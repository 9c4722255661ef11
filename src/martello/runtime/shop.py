"""The shop: the modules of one process, wired to one topology's adapters, with their lifecycle."""

from __future__ import annotations

import logging
import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from martello.adapters.sqlite import memory_database
from martello.kernel.bus import InProcessBus, MessageBus
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.database import Database
from martello.kernel.module import Module, ModuleContext, Storage
from martello.runtime.config import Settings
from martello.runtime.lock import DataDirectoryLock
from martello.runtime.registry import in_order, module_class
from martello.runtime.topology import Topology, storage_of, topology

log = logging.getLogger("martello")

READY_TIMEOUT = 2.0
"""Seconds a readiness probe waits for a module's storage to answer."""


@dataclass
class Shop:
    settings: Settings
    modules: dict[str, Module] = field(default_factory=dict)
    databases: list[Database] = field(default_factory=list)
    bus: MessageBus = field(default_factory=InProcessBus)
    clock: Clock = field(default_factory=SystemClock)
    started: bool = False
    data_dir_lock: DataDirectoryLock | None = None
    """Held while the shop keeps its data in a local directory: one shop per directory."""
    storage: Storage | None = None
    """Where its modules keep their data (None: where the settings say)."""

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> Shop:
        """The selected modules on the topology the settings name (see `runtime/topology.py`)."""
        return cls.assemble(settings, topology(settings), clock=clock)

    @classmethod
    def assemble(cls, settings: Settings, topology: Topology, *, clock: Clock | None = None) -> Shop:
        """Every selected module on its own database and event store of `topology`, on its bus."""
        shop = cls(settings, bus=topology.bus, clock=clock or SystemClock(), storage=topology.storage)
        for name in in_order(settings.modules):
            database, store = topology.storage.module(name, shop.clock)
            settings_of = settings.module_settings(name)
            context = ModuleContext(name, store, database, topology.bus, shop.clock, settings_of, memory_database)
            shop.databases.append(database)
            shop.modules[name] = module_class(name)(context)
        if topology.storage.directory is not None:
            shop.data_dir_lock = DataDirectoryLock(topology.storage.directory)
        return shop

    async def open(self) -> None:
        """Open every module's storage and apply its migrations (idempotent), without starting work."""
        for database in self.databases:
            database.open()
        for module in self.modules.values():
            await module.context.store.migrate()

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
            await module.context.store.close()
        for database in self.databases:
            database.close()
        if self.data_dir_lock is not None:
            self.data_dir_lock.release()
        log.info("martello stopped")

    def close(self) -> None:
        for database in self.databases:
            database.close()

    def scratch(self, module: str) -> AbstractAsyncContextManager[Database]:
        """An empty database beside the module's, on the same engine, dropped on leaving: for rebuilds."""
        return (self.storage or storage_of(self.settings)).scratch(module)

    async def ready(self) -> dict[str, bool]:
        """Per module: can it reach its storage right now? And the message bus, when it is a server.
        All false, without probing, until the shop has started (it may be waiting for those servers)."""
        report = {name: False for name in self.modules}
        for name, module in self.modules.items() if self.started else ():
            try:
                reached = await module.context.database.ping(READY_TIMEOUT)
                report[name] = self.started and reached
            except Exception:
                report[name] = False
        connected = self.bus.connected
        if connected is not None:
            report["message-bus"] = connected
        return report

