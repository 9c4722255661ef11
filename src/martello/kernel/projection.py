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
from martello.kernel.stalls import STALLS_DDL, Stall, clear_stall, new_stall, read_stalls, record_stall
from martello.kernel.store import EventStore, UndecodableRow, describe_error

log = logging.getLogger("martello.projections")

F = TypeVar("F", bound=Callable[..., Any])
Handler = Callable[[Any, Transaction, Envelope[Any]], None]

CHECKPOINTS_DDL = "CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"


def on(*event_types: type[Event]) -> Callable[[F], F]:
    """Mark a projection's (or a consumer's) method as the handler of `event_types`."""

    def decorator(fn: F) -> F:
        fn.__projects__ = event_types  # type: ignore[attr-defined]
        return fn

    return decorator


def handlers_of(cls: type) -> dict[str, Any]:
    """The `@on` methods of a class and its bases, by event type name."""
    handlers: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        for value in vars(base).values():
            for event_type in getattr(value, "__projects__", ()):
                handlers[event_type.__event_type__] = value
    return handlers


class Projection:
    name: ClassVar[str]
    schema: ClassVar[Sequence[str]] = ()
    """DDL statements creating the read model (idempotent: `CREATE ... IF NOT EXISTS`)."""
    tables: ClassVar[Sequence[str]] = ()
    """The tables the read model consists of (dropped and refilled on rebuild)."""
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = handlers_of(cls)

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


class EventFailed(Exception):
    """A handler raised on the `index`-th event of a batch (the batch's transaction is rolled back)."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(index, cause)
        self.index = index
        self.cause = cause


class ProjectionRunner:
    """Feeds one projection from the log, batch by batch, and lets callers wait for a position.

    An event the projection cannot apply - its handler raises, or the stored row cannot be decoded -
    stalls it: every event before that one is applied (and checkpointed), the runner stops there and
    records the stall (position and error) in the module's database, logged once. It does not retry
    by itself; `retry()`, a rebuild, a restart, or another process clearing the recorded stall resume
    it. Other projections, the module and its commands keep working; queries read the last good state.
    """

    def __init__(
        self,
        projection: Projection,
        store: EventStore,
        database: Database,
        *,
        batch_size: int = 500,
        attempts: int = 3,
        stall_poll: float = 5.0,
    ) -> None:
        self.projection = projection
        self.store = store
        self.database = database
        self.batch_size = batch_size
        self.attempts = attempts
        """How often an event whose handler raises is tried alone before the projection stalls on it."""
        self.stall_poll = stall_poll
        """Seconds between looks, while stalled, at whether another process resolved the stall."""
        self.position = 0
        """How far this projection has seen the log (events it ignores included)."""
        self._checkpoint = 0
        """The position stored with the read model: the last event it applied."""
        self.stall: Stall | None = None
        self.stalls = 0
        """How many times this runner stalled (a metric)."""
        self._recorded_stall = False
        self._advanced = asyncio.Condition()
        self._stepping = asyncio.Lock()
        self._retry = asyncio.Event()

    @property
    def name(self) -> str:
        return self.projection.name

    async def setup(self) -> None:
        def setup(tx: Transaction) -> tuple[int, bool]:
            tx.execute(CHECKPOINTS_DDL)
            tx.execute(STALLS_DDL)
            self.projection.setup(tx)
            stalled = tx.execute("SELECT 1 FROM projection_stalls WHERE name = ?", (self.name,)).fetchone()
            return read_checkpoint(tx, self.name), stalled is not None

        (self._checkpoint, self._recorded_stall) = await self.database.write(setup)
        self.position = self._checkpoint
        self.stall = None  # a recorded stall is tried again: an upcaster or fix may have been deployed

    async def step(self) -> int:
        """Apply the next batch of events; return how many were read (0 when caught up or stalled)."""
        async with self._stepping:
            if self.stall is not None:
                return 0
            return await self._step()

    async def _step(self) -> int:
        head = await self.store.head()  # read before the batch: every event up to it is visible to the read
        try:
            batch = await self.store.read_all(self.position, self.batch_size, self.projection.event_types)
        except UndecodableRow as poison:
            await self._apply_until(poison.decoded, poison.key, poison.type, describe_error(poison.cause))
            return len(poison.decoded) + 1
        last = batch[-1].position if batch else self.position
        seen = last if len(batch) == self.batch_size else max(head, last)
        try:
            if not batch and self._recorded_stall:
                await self._write_checkpoint(seen, [])  # nothing left here to apply: a replica got past it
            elif batch:
                await self._write_checkpoint(seen, batch)
        except EventFailed as failed:
            bad = batch[failed.index]
            await self._apply_until(batch[: failed.index], bad.position, bad.type, describe_error(failed.cause), bad)
        except CheckpointMoved:
            pass
        if not batch:
            await self._moved_to(seen)  # nothing this projection reads up to the head
        return len(batch)

    async def _apply_until(
        self,
        before: list[Envelope[Event]],
        position: int,
        event_type: str,
        error: str,
        bad: Envelope[Event] | None = None,
    ) -> None:
        """Apply the events before a poison event (checkpoint just before it), then try it alone a few
        times (a transient failure passes); stall on it if it still fails."""
        try:
            await self._write_checkpoint(position - 1, before, past_stall=False)
        except EventFailed as failed:  # an earlier event fails too when applied without the batch: stop there
            earlier = before[failed.index]
            await self._apply_until(
                before[: failed.index], earlier.position, earlier.type, describe_error(failed.cause), earlier
            )
            return
        except CheckpointMoved:
            return
        for attempt in range(1, self.attempts if bad is not None else 1):
            log.warning(
                "projection %s failed at position %d (%s): %s; trying it again", self.name, position, event_type, error
            )
            await asyncio.sleep(0.05 * 2**attempt)
            try:
                await self._write_checkpoint(position, [bad] if bad is not None else [])
                return
            except EventFailed as failed:
                error = describe_error(failed.cause)
            except CheckpointMoved:
                return
        stall = new_stall(self.name, position, event_type, error)
        await self.database.write(lambda tx: record_stall(tx, stall))
        self.stall, self._recorded_stall = stall, True
        self.stalls += 1
        self._retry.clear()
        log.error(
            "projection %s stalled at position %d (%s): %s; it applied everything before it and waits for a fix"
            " (`martello projections retry %s`)",
            self.name,
            position,
            event_type,
            error,
            self.name,
        )

    async def _write_checkpoint(self, seen: int, batch: Sequence[Envelope[Event]], *, past_stall: bool = True) -> None:
        """Apply `batch` and move the checkpoint to `seen` in one transaction (raises `EventFailed`). Unless
        told it stops short of the event (`past_stall=False`), a recorded stall is cleared with it."""
        start, projection, name = self._checkpoint, self.projection, self.name
        clear = self._recorded_stall and past_stall

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
            for index, envelope in enumerate(batch):
                try:
                    projection.handle(tx, envelope)
                except Exception as error:
                    raise EventFailed(index, error) from error
            if clear:
                clear_stall(tx, name)  # got past the event it stalled on

        try:
            await self.database.write(apply)
        except CheckpointMoved:
            stored = await self.database.read(lambda tx: read_checkpoint(tx, name))
            self._checkpoint = stored
            if stored < self.position:
                self.position = stored  # rebuilt from scratch meanwhile
            await self._moved_to(stored)  # another runner (a replica) applied it: wake readers waiting here
            raise
        if clear:
            self._recorded_stall = False
        self._checkpoint = seen
        await self._moved_to(seen)

    async def retry(self) -> Stall | None:
        """Try the stalled event again (after an upcaster or a fix) and catch up; the new stall, if any."""
        async with self._stepping:
            self.stall, self._recorded_stall = None, True
        self._retry.set()
        await self.catch_up()
        return self.stall

    async def _moved_to(self, position: int) -> None:
        if position <= self.position:
            return
        async with self._advanced:
            self.position = position
            self._advanced.notify_all()

    async def catch_up(self) -> None:
        """Process until the log's current head, or until stalled (for tests, the CLI and start-up)."""
        while await self.step():
            pass

    async def run(self, idle_wait: float = 1.0) -> None:
        """Follow the log until cancelled; a cancelled run never leaves a half-applied batch."""
        backoff = idle_wait
        while True:
            try:
                if self.stall is not None:
                    await self._wait_while_stalled()
                elif not await self.step() and self.stall is None:
                    await self.store.wait_for_events(self.position, idle_wait)
                backoff = idle_wait
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("projection %s failed; retrying in %.0fs", self.name, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def _wait_while_stalled(self) -> None:
        """Sleep until told to retry, or until another process resolved the stall (a retry or rebuild
        from the CLI, a replica with the fix): then follow the log again."""
        try:
            async with asyncio.timeout(self.stall_poll):
                await self._retry.wait()
                return
        except TimeoutError:
            pass
        stall = self.stall
        if stall is None:
            return
        recorded, checkpoint = await self.database.read(
            lambda tx: (read_stalls(tx).get(self.name), read_checkpoint(tx, self.name))
        )
        if recorded is None or recorded.position != stall.position or checkpoint >= stall.position:
            async with self._stepping:
                self.stall = None
                self._recorded_stall = recorded is not None

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
