"""Repository.change: the one way to change an aggregate. Contention is retried until a deadline; a caller
that names the version it saw is never retried; a stream that does not exist yet starts from `new`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError, DuplicateMessage, NotFound
from martello.kernel.events import Event, event
from martello.kernel.repository import Repository
from martello.kernel.store import AppendResult


@event("test.CounterRaised")
class CounterRaised(Event):
    by: int


class Counter(Aggregate):
    stream_type = "counter"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.value = 0

    def raise_by(self, by: int) -> None:
        self.record(CounterRaised(by=by))

    @applies(CounterRaised)
    def _raised(self, event: CounterRaised) -> None:
        self.value += event.by


class RivalFirst(SqliteEventStore):
    """An event store where, before each of the next `rivals` appends, another writer appends first."""

    rivals = 0

    async def append(
        self, stream_id: str, events: Sequence[Event], context: MessageContext, **options: object
    ) -> AppendResult:
        if self.rivals > 0:
            self.rivals -= 1
            current = await self.stream_version(stream_id)
            await super().append(stream_id, [CounterRaised(by=100)], MessageContext.new(), expected_version=current)
        return await super().append(stream_id, events, context, **options)  # type: ignore[arg-type]

    async def stream_version(self, stream_id: str) -> int:
        return len(await self.load_events(stream_id))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[RivalFirst]:
    database = SqliteDatabase(tmp_path / "counters.db")
    store = RivalFirst(database)
    await store.migrate()
    yield store
    database.close()


class Calls:
    """A behaviour that raises the counter by 1 and counts how often it ran."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, counter: Counter) -> None:
        self.count += 1
        counter.raise_by(1)


async def test_without_an_expected_version_conflicts_are_retried_on_fresh_state_until_it_succeeds(
    store: RivalFirst,
) -> None:
    counters = Repository(store, Counter)
    await counters.change("c", Calls(), MessageContext.new(), new=Counter)
    store.rivals = 6
    behaviour = Calls()

    result = await counters.change("c", behaviour, MessageContext.new())

    assert behaviour.count == 7  # six lost races, then the change went in
    assert result.stream_version == 8  # the first change, six rivals, this change
    counter = await counters.load("c")
    assert counter.value == 1 + 6 * 100 + 1


async def test_with_an_expected_version_a_conflict_is_never_retried(store: RivalFirst) -> None:
    counters = Repository(store, Counter)
    await counters.change("c", Calls(), MessageContext.new(), new=Counter)
    store.rivals = 1
    behaviour = Calls()

    with pytest.raises(ConcurrencyError):
        await counters.change("c", behaviour, MessageContext.new(), expected_version=1)

    assert behaviour.count == 1
    assert (await counters.load("c")).value == 1 + 100  # only the rival's write


async def test_a_stale_expected_version_is_refused_before_the_behaviour_runs(store: RivalFirst) -> None:
    counters = Repository(store, Counter)
    await counters.change("c", Calls(), MessageContext.new(), new=Counter)
    behaviour = Calls()

    with pytest.raises(ConcurrencyError) as refused:
        await counters.change("c", behaviour, MessageContext.new(), expected_version=0)

    assert (refused.value.expected, refused.value.actual) == (0, 1)
    assert behaviour.count == 0


async def test_endless_contention_gives_up_with_a_conflict_after_the_deadline(store: RivalFirst) -> None:
    counters = Repository(store, Counter, conflict_deadline=0.05)
    await counters.change("c", Calls(), MessageContext.new(), new=Counter)
    store.rivals = 1_000_000
    behaviour = Calls()

    with pytest.raises(ConcurrencyError):
        await counters.change("c", behaviour, MessageContext.new())

    assert 1 < behaviour.count < 1_000_000


async def test_concurrent_changes_of_one_aggregate_all_succeed(store: RivalFirst) -> None:
    counters = Repository(store, Counter)

    results = await asyncio.gather(
        *(counters.change("c", Calls(), MessageContext.new(), new=Counter) for _ in range(24))
    )

    assert sorted(r.stream_version for r in results) == list(range(1, 25))
    assert (await counters.load("c")).value == 24


async def test_an_aggregate_that_does_not_exist_needs_a_factory(store: RivalFirst) -> None:
    counters = Repository(store, Counter)

    with pytest.raises(NotFound):
        await counters.change("missing", Calls(), MessageContext.new())

    async def looked_up_first(counter: Counter) -> None:  # an async behaviour is awaited
        await asyncio.sleep(0)
        counter.raise_by(5)

    result = await counters.change("fresh", looked_up_first, MessageContext.new(), new=Counter)

    assert (result.id, result.stream_version) == ("fresh", 1)
    assert (await counters.load("fresh")).value == 5


async def test_a_change_that_records_nothing_writes_nothing(store: RivalFirst) -> None:
    counters = Repository(store, Counter)
    await counters.change("c", Calls(), MessageContext.new(), new=Counter)

    result = await counters.change("c", lambda counter: None, MessageContext.new())

    assert (result.stream_version, result.position) == (1, 0)


async def test_the_inbox_mark_goes_with_the_change_and_a_duplicate_is_refused(store: RivalFirst) -> None:
    counters = Repository(store, Counter)
    store.rivals = 2  # the mark is retried with the change: written once, on the attempt that succeeds

    await counters.change("c", Calls(), MessageContext.new(), new=Counter, inbox=("test.consumer", "message-1"))

    with pytest.raises(DuplicateMessage):
        await counters.change("c", Calls(), MessageContext.new(), new=Counter, inbox=("test.consumer", "message-1"))
    assert (await counters.load("c")).value == 2 * 100 + 1
