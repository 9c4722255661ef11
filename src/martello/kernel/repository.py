"""Loading and saving aggregates: the only way application code touches the event store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class Repository(Generic[A]):
    """Loads aggregates of one type by folding their stream (from the latest usable snapshot)."""

    conflict_retries = 3

    def __init__(
        self,
        store: EventStore,
        aggregate_type: type[A],
        *,
        snapshot_every: int = 0,
        integration: IntegrationMapper[A] | None = None,
    ) -> None:
        self.store = store
        self.type = aggregate_type
        self.snapshot_every = snapshot_every if aggregate_type.supports_snapshots() else 0
        self.integration = integration

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

    async def save(
        self,
        aggregate: A,
        context: MessageContext,
        *,
        inbox: tuple[str, str] | None = None,
        unique: Sequence[tuple[str, str]] = (),
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
        return CommandResult(aggregate.id, result.stream_version, result.position)

    async def create(
        self, aggregate: A, context: MessageContext, *, unique: Sequence[tuple[str, str]] = ()
    ) -> CommandResult:
        """Store a new aggregate; `unique` keys it claims (see `EventStore.append`)."""
        if aggregate.version != NEW_STREAM:
            raise ValueError("create() takes a new aggregate")
        return await self.save(aggregate, context, unique=unique)

    async def update(
        self,
        id: str,
        change: Callable[[A], None],
        context: MessageContext,
        *,
        expected_version: int | None = None,
        inbox: tuple[str, str] | None = None,
    ) -> CommandResult:
        """Load, apply `change`, save. With an `expected_version` a stale caller gets a
        `ConcurrencyError`; without one a conflicting concurrent write is retried on fresh state."""
        attempts = 1 if expected_version is not None else self.conflict_retries
        for attempt in range(attempts):
            aggregate = await self.load(id)
            if expected_version is not None and aggregate.version != expected_version:
                raise ConcurrencyError(aggregate.stream_id, expected_version, aggregate.version)
            change(aggregate)
            if not aggregate.pending_events:
                return CommandResult(aggregate.id, aggregate.version, 0)
            try:
                return await self.save(aggregate, context, inbox=inbox)
            except ConcurrencyError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")
