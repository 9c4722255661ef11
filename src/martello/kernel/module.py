"""A bounded context as the runtime sees it: a composition root with a lifecycle.

Each module subclasses `Module` in its own `module.py`, wiring its repositories, handlers,
projections, subscriptions and HTTP routes to the adapters it is given in a `ModuleContext`.
The module never learns which topology (embedded or distributed) it runs in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

from martello.kernel.aggregate import Aggregate
from martello.kernel.bus import MessageBus
from martello.kernel.clock import Clock, SystemClock
from martello.kernel.consumer import Consumer
from martello.kernel.database import Database
from martello.kernel.dead_letters import DEAD_LETTERS_DDL
from martello.kernel.dispatch import CommandBus, QueryBus
from martello.kernel.inbox import INBOX_DDL
from martello.kernel.outbox import Outbox, OutboxRelay
from martello.kernel.projection import Projection, ProjectionRunner
from martello.kernel.repository import IntegrationMapper, Repository
from martello.kernel.sessions import TokenRevocations
from martello.kernel.store import EventStore
from martello.kernel.time_travel import ScratchDatabase, TimeTravel, no_scratch_database

log = logging.getLogger("martello.module")

C = TypeVar("C", bound=Consumer)
A = TypeVar("A", bound=Aggregate)


class ModuleStore(EventStore, Outbox, Protocol):
    """An event store that also keeps the module's outbox (they commit together)."""

    async def migrate(self) -> None:
        """Create its tables, or bring them up to date (idempotent; may wait for a server to answer)."""
        ...

    async def close(self) -> None:
        """Stop its background work (listeners, leases); the database it writes to is closed by its owner."""
        ...


class Storage(Protocol):
    """Where the modules of one process keep their data: one engine's databases and event stores."""

    @property
    def directory(self) -> Path | None:
        """The local directory holding the data, which one shop at a time may use (None: a server holds it)."""
        ...

    def module(self, name: str, clock: Clock) -> tuple[Database, ModuleStore]:
        """The database and event store of module `name` (not opened yet)."""
        ...

    def scratch(self, module: str) -> AbstractAsyncContextManager[Database]:
        """An empty, open database beside the module's, dropped on leaving: where read models are rebuilt."""
        ...


@dataclass
class ModuleContext:
    name: str
    store: ModuleStore
    database: Database
    bus: MessageBus
    clock: Clock = field(default_factory=SystemClock)
    settings: Mapping[str, str] = field(default_factory=dict)
    scratch: ScratchDatabase = no_scratch_database
    """Opens a throw-away database to replay a stream into (time travel, see `kernel/time_travel.py`)."""


class Module:
    name: ClassVar[str]

    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        self.commands = CommandBus()
        self.queries = QueryBus()
        self.projections: dict[str, ProjectionRunner] = {}
        self.consumers: dict[str, Consumer] = {}
        self.relay = OutboxRelay(context.store, context.bus, context.database)
        self.sessions = TokenRevocations(self.name, context.database)
        """The token revocations this module knows (see `kernel/sessions.py`)."""
        self.add_consumer(self.sessions)
        self._tasks: list[asyncio.Task[None]] = []

    def add_projection(self, projection: Projection) -> ProjectionRunner:
        runner = ProjectionRunner(projection, self.context.store, self.context.database)
        self.projections[projection.name] = runner
        return runner

    def repository(self, aggregate: type[A], integration: IntegrationMapper[A] | None = None) -> Repository[A]:
        """The repository of this module's `aggregate`: it snapshots every `snapshot_every` events (a module
        setting) if the aggregate supports snapshots, and publishes what `integration` makes of new events."""
        every = int(self.context.settings.get("snapshot_every", "100"))
        return Repository(self.context.store, aggregate, snapshot_every=every, integration=integration)

    def time_travel(self, projection: Projection) -> TimeTravel:
        """Answers queries on `projection`'s read model as of a point in one of this module's streams."""
        return TimeTravel(projection, self.context.store, self.context.scratch)

    def add_consumer(self, consumer: C) -> C:
        """Subscribe a consumer of integration events (its dead letters go to this module's database)."""
        self.consumers[consumer.name] = consumer
        consumer.subscribe(self.context.bus)
        return consumer

    def routes(self) -> Sequence[object]:
        """HTTP routers to mount (framework objects the kernel does not look into)."""
        return ()

    async def init(self) -> None:
        """Create the module's tables and bring its projections up to date (a projection that meets an event
        it cannot apply stalls there: the module starts anyway)."""
        await self.context.database.write(lambda tx: (tx.execute(INBOX_DDL), tx.execute(DEAD_LETTERS_DDL)))
        await self.sessions.setup()
        for runner in self.projections.values():
            await runner.setup()
            await runner.catch_up()

    async def start(self) -> None:
        """Start the background work: projection runners and the outbox relay."""
        for runner in self.projections.values():
            self._tasks.append(asyncio.create_task(runner.run(), name=f"{self.name}:{runner.name}"))
        self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.name}:outbox"))

    async def stop(self) -> None:
        """Stop background work between batches: every batch is one transaction, so nothing is half-written.

        Cancels again until every task has ended. On Python 3.11 `asyncio.wait_for` can swallow a cancellation
        arriving as the awaited future completes (Martello's own waits avoid it; library code a task awaits
        may not), and a stop must not hang on it."""
        pending = set(self._tasks)
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=0.1)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
