"""Projections: read models folded from the event log, each with a checkpoint stored in the same
transaction as its rows, so a crash never applies an event twice or skips one.

    class CatalogList(Projection):
        name = "catalog.catalogs"
        schema = ("CREATE TABLE IF NOT EXISTS catalogs (id TEXT PRIMARY KEY, name TEXT NOT NULL)",)
        tables = ("catalogs",)

        @on(CatalogCreated)
        def _created(self, tx: Transaction, envelope: Envelope[CatalogCreated]) -> None:
            tx.execute("INSERT INTO catalogs (id, name) VALUES (?, ?)", (...))
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from martello.kernel.database import Database, Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.store import EventStore

log = logging.getLogger("martello.projections")

E = TypeVar("E", bound=Event)
Handler = Callable[[Any, Transaction, Envelope[Any]], None]

CHECKPOINTS_DDL = "CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"


def on(event_type: type[E]) -> Callable[[Callable[[Any, Transaction, Envelope[E]], None]], Any]:
    """Mark a projection method as the handler of `event_type`."""

    def decorator(fn: Callable[[Any, Transaction, Envelope[E]], None]) -> Any:
        fn.__projects__ = event_type  # type: ignore[attr-defined]
        return fn

    return decorator


class Projection:
    name: ClassVar[str]
    schema: ClassVar[Sequence[str]] = ()
    """DDL statements creating the read model (idempotent: `CREATE ... IF NOT EXISTS`)."""
    tables: ClassVar[Sequence[str]] = ()
    """The tables the read model consists of (dropped and refilled on rebuild)."""
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, Handler] = {}
        for base in reversed(cls.__mro__):
            for value in vars(base).values():
                event_type = getattr(value, "__projects__", None)
                if event_type is not None:
                    handlers[event_type.__event_type__] = value
        cls._handlers = handlers

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def setup(self, tx: Transaction) -> None:
        for statement in self.schema:
            tx.execute(statement)

    def handle(self, tx: Transaction, envelope: Envelope[Event]) -> None:
        handler = self._handlers.get(envelope.type)
        if handler is not None:
            handler(self, tx, envelope)


def read_checkpoint(tx: Transaction, name: str) -> int:
    row = tx.execute("SELECT position FROM checkpoints WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else 0


class CheckpointMoved(Exception):
    """Another runner (a replica, a rebuild) advanced this projection's checkpoint meanwhile."""


class ProjectionRunner:
    """Feeds one projection from the log, batch by batch, and lets callers wait for a position."""

    def __init__(self, projection: Projection, store: EventStore, database: Database, *, batch_size: int = 500) -> None:
        self.projection = projection
        self.store = store
        self.database = database
        self.batch_size = batch_size
        self.position = 0
        """How far this projection has seen the log (events it ignores included)."""
        self._checkpoint = 0
        """The position stored with the read model: the last event it applied."""
        self._advanced = asyncio.Condition()

    @property
    def name(self) -> str:
        return self.projection.name

    async def setup(self) -> None:
        def setup(tx: Transaction) -> int:
            tx.execute(CHECKPOINTS_DDL)
            self.projection.setup(tx)
            return read_checkpoint(tx, self.name)

        self._checkpoint = self.position = await self.database.write(setup)

    async def step(self) -> int:
        """Apply the next batch of events; return how many were read (0 when caught up)."""
        head = await self.store.head()  # read before the batch: every event up to it is visible to the read
        batch = await self.store.read_all(self.position, self.batch_size, self.projection.event_types)
        last = batch[-1].position if batch else self.position
        seen = last if len(batch) == self.batch_size else max(head, last)
        if not batch:
            await self._moved_to(seen)  # nothing this projection reads up to the head
            return 0
        start, projection, name = self._checkpoint, self.projection, self.name

        def apply(tx: Transaction) -> None:
            # Compare-and-set the checkpoint *first*: on a database with concurrent writers (replicas
            # on PostgreSQL) the row stays locked until commit, so two runners of one projection never
            # apply a batch at the same time, and the loser stops before touching any read-model row.
            moved = tx.execute(
                "UPDATE checkpoints SET position = ? WHERE name = ? AND position = ?", (seen, name, start)
            )
            if moved.rowcount == 0:
                if read_checkpoint(tx, name) != start:
                    raise CheckpointMoved(name)
                tx.execute("INSERT INTO checkpoints (name, position) VALUES (?, ?)", (name, seen))
            for envelope in batch:
                projection.handle(tx, envelope)

        try:
            await self.database.write(apply)
        except CheckpointMoved:
            stored = await self.database.read(lambda tx: read_checkpoint(tx, name))
            self._checkpoint = stored
            if stored < self.position:
                self.position = stored  # rebuilt from scratch meanwhile
            await self._moved_to(stored)  # another runner (a replica) applied it: wake readers waiting here
            return len(batch)
        self._checkpoint = seen
        await self._moved_to(seen)
        return len(batch)

    async def _moved_to(self, position: int) -> None:
        if position <= self.position:
            return
        async with self._advanced:
            self.position = position
            self._advanced.notify_all()

    async def catch_up(self) -> None:
        """Process until the log's current head (for tests, the CLI and start-up)."""
        while await self.step():
            pass

    async def run(self, idle_wait: float = 1.0) -> None:
        """Follow the log until cancelled; a cancelled run never leaves a half-applied batch."""
        while True:
            try:
                if not await self.step():
                    await self.store.wait_for_events(self.position, idle_wait)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("projection %s failed; retrying", self.name)
                await asyncio.sleep(idle_wait)

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until this projection has processed the log up to `position`; False on timeout."""
        if self.position >= position:
            return True

        async def reached() -> None:
            async with self._advanced:
                await self._advanced.wait_for(lambda: self.position >= position)

        try:
            async with asyncio.timeout(timeout):  # not wait_for: on Python 3.11 it can swallow a cancellation
                await reached()
        except TimeoutError:
            return False
        return True
