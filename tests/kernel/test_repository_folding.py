"""The repository: load an aggregate by folding its stream, save its new events guarded by its version,
and retry a change that lost a race on fresh state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError, NotFound, UniqueKeyTaken
from martello.kernel.events import Event, event
from martello.kernel.repository import Repository
from martello.kernel.store import AppendResult, Snapshot
from tests.clock import FixedClock
from tests.kernel.conftest import Storage


@event("repotest.Counted")
class Counted(Event):
    by: int


@event("repotest.public.CounterMoved")
class CounterMoved(Event):
    counter: str
    total: int
    by: int


class Counter(Aggregate):
    stream_type = "counter"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.total = 0

    def count(self, by: int) -> None:
        self.record(Counted(by=by))

    @applies(Counted)
    def _counted(self, event: Counted) -> None:
        self.total += event.by


def moved(counter: Counter, events: Sequence[Event]) -> Sequence[Event]:
    return [CounterMoved(counter=counter.id, total=counter.total, by=sum(e.by for e in events))]  # type: ignore[attr-defined]


CONTEXT = MessageContext("corr-1", "cause-1", actor="u-1")


class Interfering:
    """An event store on which another writer appends to the same stream just before each of our first
    `times` appends: the race a concurrent request can cause."""

    def __init__(self, storage: Storage, times: int) -> None:
        self.inner = storage.store
        self.times = times
        self.appends = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def append(self, stream_id: str, events: Sequence[Event], *args: Any, **kwargs: Any) -> AppendResult:
        self.appends += 1
        if self.times:
            self.times -= 1
            await self.inner.append(stream_id, [Counted(by=100)], CONTEXT, expected_version=None)
        return await self.inner.append(stream_id, events, *args, **kwargs)


async def a_counter(storage: Storage, *amounts: int) -> Counter:
    counter = Counter("c-1")
    for amount in amounts:
        counter.count(amount)
    await Repository(storage.store, Counter).create(counter, CONTEXT)
    return counter


async def test_a_new_aggregate_is_created_and_loads_back(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    counter = Counter("c-1")
    counter.count(2)
    counter.count(3)
    result = await repository.create(counter, CONTEXT)
    assert (result.id, result.stream_version, result.position) == ("c-1", 2, 2)
    assert (counter.version, counter.pending_events) == (2, [])
    loaded = await repository.load("c-1")
    assert (loaded.id, loaded.version, loaded.total) == ("c-1", 2, 5)
    assert [e.correlation_id for e in await storage.store.read_stream("counter-c-1")] == ["corr-1", "corr-1"]


async def test_create_takes_only_a_new_aggregate_and_a_stream_is_created_once(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    existing = await a_counter(storage, 1)
    existing.count(1)
    with pytest.raises(ValueError, match=r"^create\(\) takes a new aggregate$"):
        await repository.create(existing, CONTEXT)
    again = Counter("c-1")
    again.count(5)
    with pytest.raises(ConcurrencyError):
        await repository.create(again, CONTEXT)
    assert (await repository.load("c-1")).total == 1


async def test_an_unknown_aggregate_is_not_found(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    assert await repository.find("nobody") is None
    with pytest.raises(NotFound, match=r"^counter nobody does not exist$") as missing:
        await repository.load("nobody")
    assert missing.value.details == {"id": "nobody"}
    await a_counter(storage, 1)
    with pytest.raises(NotFound, match=r"^counter c-1 does not exist at that point in time$"):
        await repository.load("c-1", as_of_version=0)


async def test_an_aggregate_loads_as_of_a_version_or_an_instant(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    await a_counter(storage, 1, 2, 3)
    assert (await repository.load("c-1", as_of_version=2)).total == 3
    first = (await storage.store.read_stream("counter-c-1"))[0]
    assert (await repository.load("c-1", as_of=first.timestamp)).total == 6
    assert await repository.find("c-1", as_of=first.timestamp - timedelta(seconds=1)) is None


async def test_saving_stores_the_integration_events_in_the_outbox_with_the_change(storage: Storage) -> None:
    repository = Repository(storage.store, Counter, integration=moved)
    counter = Counter("c-1")
    counter.count(4)
    await repository.create(counter, CONTEXT)
    await repository.change("c-1", lambda c: c.count(1), CONTEXT)
    assert [m.event for _, m in await storage.store.pending(10)] == [
        CounterMoved(counter="c-1", total=4, by=4),
        CounterMoved(counter="c-1", total=5, by=1),
    ]


async def test_a_change_applies_the_change_to_the_current_state_and_saves_it(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    await a_counter(storage, 1)
    result = await repository.change("c-1", lambda c: c.count(c.total * 10), CONTEXT, inbox=("test", "m-1"))
    assert (result.id, result.stream_version) == ("c-1", 2)
    assert (await repository.load("c-1")).total == 11
    with pytest.raises(Exception, match="already handled"):
        await repository.change("c-1", lambda c: c.count(1), CONTEXT, inbox=("test", "m-1"))
    assert (await repository.load("c-1")).total == 11


async def test_a_change_that_changes_nothing_stores_nothing(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    await a_counter(storage, 1, 1)
    head = await storage.store.head()
    result = await repository.change("c-1", lambda c: None, CONTEXT)
    assert (result.id, result.stream_version, result.position) == ("c-1", 2, 0), "position 0: nothing to wait for"
    assert await storage.store.head() == head


async def test_a_change_of_an_unknown_aggregate_is_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound):
        await Repository(storage.store, Counter).change("nobody", lambda c: c.count(1), CONTEXT)
    assert await storage.store.head() == 0


async def test_a_caller_expecting_a_stale_version_is_refused(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    await a_counter(storage, 1, 1)
    with pytest.raises(ConcurrencyError) as stale:
        await repository.change("c-1", lambda c: c.count(1), CONTEXT, expected_version=1)
    assert (stale.value.stream_id, stale.value.expected, stale.value.actual) == ("counter-c-1", 1, 2)
    result = await repository.change("c-1", lambda c: c.count(1), CONTEXT, expected_version=2)
    assert result.stream_version == 3


async def test_a_caller_expecting_a_version_is_not_retried_when_another_write_wins(storage: Storage) -> None:
    await a_counter(storage, 1)
    racing = Interfering(storage, times=1)
    with pytest.raises(ConcurrencyError):
        await Repository(racing, Counter).change("c-1", lambda c: c.count(1), CONTEXT, expected_version=1)
    assert (await Repository(storage.store, Counter).load("c-1")).total == 101, "only the other write landed"


async def test_a_change_that_lost_a_race_is_applied_again_to_the_winners_state(storage: Storage) -> None:
    # Given a counter at 1, and another writer that gets in first
    await a_counter(storage, 1)
    racing = Interfering(storage, times=1)
    seen: list[int] = []

    def double(counter: Counter) -> None:
        seen.append(counter.total)
        counter.count(counter.total)

    # When a change without an expected version is saved
    result = await Repository(racing, Counter).change("c-1", double, CONTEXT)
    # Then it was decided again on the state the race left, and landed after the other write
    assert seen == [1, 101]
    assert result.stream_version == 3
    assert (await Repository(storage.store, Counter).load("c-1")).total == 202


async def test_a_change_that_keeps_losing_gives_up_with_the_conflict(storage: Storage) -> None:
    await a_counter(storage, 1)
    racing = Interfering(storage, times=1000)
    with pytest.raises(ConcurrencyError):
        await Repository(racing, Counter, conflict_deadline=0.2).change("c-1", lambda c: c.count(1), CONTEXT)
    assert 1 < racing.appends < 1000, "retried, but not for ever"
    stream = await storage.store.read_stream("counter-c-1")
    assert [e.event for e in stream][1:] == [Counted(by=100)] * racing.appends, "none of its attempts landed"


async def test_a_new_aggregate_claims_its_unique_keys(storage: Storage) -> None:
    repository = Repository(storage.store, Counter)
    first, second = Counter("c-1"), Counter("c-2")
    first.count(1)
    second.count(1)
    await repository.create(first, CONTEXT, unique=[("name", "shared")])
    with pytest.raises(UniqueKeyTaken):
        await repository.create(second, CONTEXT, unique=[("name", "shared")])
    assert await repository.find("c-2") is None


class Account(Counter):
    stream_type = "account"
    snapshot_schema = 3

    def snapshot_state(self) -> dict[str, Any]:
        return {"total": self.total}

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Account:
        account = cls(id)
        account.version, account.total = version, state["total"]
        return account


async def test_a_snapshot_is_used_when_loading_and_ignored_when_travelling_in_time(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    database = SqliteDatabase(tmp_path / "accounts.db")
    store = SqliteEventStore(database, clock=clock)
    await store.migrate()
    try:
        assert Repository(store, Account).snapshot_every == 0, "no snapshots unless asked for"
        repository = Repository(store, Account, snapshot_every=1)
        account = Account("a-1")
        account.count(1)
        await repository.create(account, CONTEXT)
        clock.advance(days=1)
        await repository.change("a-1", lambda a: a.count(2), CONTEXT)
        # a snapshot that disagrees with the events shows which one a load used
        await store.save_snapshot(Snapshot("account-a-1", 2, 3, {"total": 999}))
        loaded = await repository.load("a-1")
        assert (loaded.id, loaded.version, loaded.total) == ("a-1", 2, 999), "loaded from the snapshot"
        then = await repository.load("a-1", as_of=datetime(2030, 1, 1, 12, tzinfo=UTC))
        assert (then.version, then.total) == (1, 1), "as of an instant: the events, not the snapshot"
        assert (await repository.load("a-1", as_of_version=1)).total == 1
        plain = Repository(store, Account)
        assert (await plain.load("a-1")).total == 3, "without snapshots: the fold of the events"
        assert (await plain.load("a-1", as_of=datetime(2030, 1, 1, 12, tzinfo=UTC))).total == 1
    finally:
        database.close()
