"""Loading and saving aggregates: the only way application code touches the event store."""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from martello.kernel.aggregate import Aggregate
from martello.kernel.dispatch import CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError, NotFound
from martello.kernel.events import Event
from martello.kernel.store import NEW_STREAM, EventStore, Snapshot

A = TypeVar("A", bound=Aggregate)
IntegrationMapper = Callable[[A, Sequence[Event]], Sequence[Event]]
"""Given an aggregate after a change and the events of that change, the integration events to publish."""
Behaviour = Callable[[A], Awaitable[None] | None]
"""What a command does to an aggregate: calls its methods, which record events. May be async (to look
something up first); it runs again on fresh state when a concurrent write got there first."""


class Repository(Generic[A]):
    """Loads aggregates of one type by folding their stream (from the latest usable snapshot), and changes
    them: `change` is the one way a command or consumer alters an aggregate; `create` stores a new one."""

    def __init__(
        self,
        store: EventStore,
        aggregate_type: type[A],
        *,
        snapshot_every: int = 0,
        integration: IntegrationMapper[A] | None = None,
        conflict_deadline: float = 10.0,
    ) -> None:
        self.store = store
        self.type = aggregate_type
        self.snapshot_every = snapshot_every if aggregate_type.supports_snapshots() else 0
        self.integration = integration
        self.conflict_deadline = conflict_deadline
        """Seconds `change` keeps retrying a change that meets concurrent writes before it gives up."""
        self.first_pause = 0.002
        """Upper bound of the first pause between attempts; it doubles per conflict, up to `longest_pause`."""
        self.longest_pause = 0.25

    async def find(self, id: str, *, as_of_version: int | None = None, as_of: datetime | None = None) -> A | None:
        """The aggregate as it is now, or as of a version or an instant; None if it did not exist."""
        stream_id = self.type.stream_id_for(id)
        base: A | None = None
        if self.snapshot_every and as_of is None:
            snapshot, events = await self.store.load_from_snapshot(
                stream_id, snapshot_schema=self.type.snapshot_schema, to_version=as_of_version
            )
            if snapshot is not None:
                base = self.type.from_snapshot(id, snapshot.version, snapshot.state)
        else:
            events = await self.store.load_events(stream_id, to_version=as_of_version, until=as_of)
        if base is None and not events:
            return None
        return self.type.replay(id, events, base=base)

    async def load(self, id: str, *, as_of_version: int | None = None, as_of: datetime | None = None) -> A:
        aggregate = await self.find(id, as_of_version=as_of_version, as_of=as_of)
        if aggregate is None:
            when = "" if as_of_version is None and as_of is None else " at that point in time"
            raise NotFound(f"{self.type.stream_type} {id} does not exist{when}", id=id)
        return aggregate

    async def create(
        self,
        aggregate: A,
        context: MessageContext,
        *,
        inbox: tuple[str, str] | None = None,
        unique: Sequence[tuple[str, str]] = (),
    ) -> CommandResult:
        """Store a new aggregate (built by one of its factory methods, under a fresh id). `inbox` marks the
        message that caused it as handled and `unique` claims keys, both in the same transaction
        (see `EventStore.append`)."""
        if aggregate.version != NEW_STREAM:
            raise ValueError("create() takes a new aggregate")
        return await self._append(aggregate, context, inbox=inbox, unique=unique)

    async def change(
        self,
        id: str,
        behaviour: Behaviour[A],
        context: MessageContext,
        *,
        new: Callable[[str], A] | None = None,
        expected_version: int | None = None,
        inbox: tuple[str, str] | None = None,
        unique: Sequence[tuple[str, str]] = (),
    ) -> CommandResult:
        """Load the aggregate, apply `behaviour`, append what it recorded; return where it got to.

        - Not there yet: `new(id)` builds the empty aggregate to start from (for a stream that begins with
          its first change, like a user's carts: `new=Cart`); without `new` the caller gets `NotFound`.
        - With an `expected_version` (the version the caller last saw) a stale caller gets a
          `ConcurrencyError` at once, and so does one that loses a race: it must look again itself.
        - Without one, a concurrent write is expected contention, not an error: the change runs again on
          fresh state after a jittered, growing pause, until `conflict_deadline` seconds have passed.
        - `inbox` and `unique` are written in the same transaction as the events (see `EventStore.append`).

        The result's `id` is the aggregate's `resource_id` (what the client addresses: the aggregate's id,
        or for a user's carts the cart's). A behaviour that records nothing writes nothing: the result
        then names the current version and position 0.
        """
        deadline = None if expected_version is not None else time.monotonic() + self.conflict_deadline
        conflicts = 0
        while True:
            aggregate = await self.find(id)
            if aggregate is None:
                if new is None:
                    raise NotFound(f"{self.type.stream_type} {id} does not exist", id=id)
                aggregate = new(id)
            if expected_version is not None and aggregate.version != expected_version:
                raise ConcurrencyError(aggregate.stream_id, expected_version, aggregate.version)
            outcome = behaviour(aggregate)
            if inspect.isawaitable(outcome):
                await outcome
            if not aggregate.pending_events:
                return CommandResult(aggregate.resource_id, aggregate.version, 0)
            try:
                return await self._append(aggregate, context, inbox=inbox, unique=unique)
            except ConcurrencyError:
                if deadline is None:
                    raise
                conflicts += 1
                pause = random.uniform(0, min(self.longest_pause, self.first_pause * 2 ** (conflicts - 1)))
                if time.monotonic() + pause > deadline:
                    raise
                await asyncio.sleep(pause)

    async def _append(
        self,
        aggregate: A,
        context: MessageContext,
        *,
        inbox: tuple[str, str] | None,
        unique: Sequence[tuple[str, str]],
    ) -> CommandResult:
        """Append the aggregate's pending events, expecting the version it was loaded at."""
        events = aggregate.pending_events
        loaded_version = aggregate.version
        outbox = self.integration(aggregate, events) if self.integration else ()
        result = await self.store.append(
            aggregate.stream_id,
            events,
            context,
            expected_version=loaded_version,
            outbox=outbox,
            inbox=inbox,
            unique=unique,
        )
        aggregate.mark_saved(result.stream_version)
        every = self.snapshot_every
        if every and result.stream_version // every > loaded_version // every:
            await self.store.save_snapshot(
                Snapshot(aggregate.stream_id, aggregate.version, self.type.snapshot_schema, aggregate.snapshot_state())
            )
        return CommandResult(aggregate.resource_id, result.stream_version, result.position)
