"""Snapshots never change what an aggregate is: snapshot + tail equals a full replay, at every version."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any, Self

from hypothesis import given, settings
from hypothesis import strategies as st

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.envelope import MessageContext
from martello.kernel.events import Event, event
from martello.kernel.repository import Repository
from martello.kernel.store import Snapshot


@event("test.Deposited")
class Deposited(Event):
    amount: int


@event("test.Withdrawn")
class Withdrawn(Event):
    amount: int


class Account(Aggregate):
    stream_type = "account"
    snapshot_schema = 2

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.balance = 0
        self.history: list[int] = []

    def apply_change(self, amount: int) -> None:
        self.record(Deposited(amount=amount) if amount >= 0 else Withdrawn(amount=-amount))

    @applies(Deposited)
    def _deposited(self, event: Deposited) -> None:
        self.balance += event.amount
        self.history.append(event.amount)

    @applies(Withdrawn)
    def _withdrawn(self, event: Withdrawn) -> None:
        self.balance -= event.amount
        self.history.append(-event.amount)

    def snapshot_state(self) -> dict[str, Any]:
        return {"balance": self.balance, "history": self.history}

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        account = cls(id)
        account.version, account.balance, account.history = version, state["balance"], list(state["history"])
        return account


def state(account: Account) -> tuple[int, int, list[int]]:
    return account.version, account.balance, account.history


async def scenario(directory: Path, changes: list[list[int]], every: int) -> None:
    database = SqliteDatabase(directory / "accounts.db")
    store = SqliteEventStore(database)
    await store.migrate()
    try:
        plain = Repository(store, Account)
        snapshotting = Repository(store, Account, snapshot_every=every)
        context = MessageContext.new()
        account = Account("a")  # the same changes, in memory
        for command in changes:

            def apply(target: Account, command: list[int] = command) -> None:
                for amount in command:
                    target.apply_change(amount)

            result = await snapshotting.change("a", apply, context, new=Account)
            apply(account)
            account.mark_saved(result.stream_version)
        for version in range(1, account.version + 1):
            replayed = await plain.load("a", as_of_version=version)
            from_snapshot = await snapshotting.load("a", as_of_version=version)
            assert state(from_snapshot) == state(replayed)
        assert state(await snapshotting.load("a")) == state(account)
        snapshot, _ = await store.load_from_snapshot("account-a", snapshot_schema=Account.snapshot_schema)
        if account.version >= every:
            assert snapshot is not None, "a snapshot is saved once the stream passes a multiple of snapshot_every"
            assert account.version - every < snapshot.version <= account.version, "the latest multiple was passed"
        else:
            assert snapshot is None
    finally:
        database.close()


@settings(max_examples=25, deadline=None)
@given(
    changes=st.lists(st.lists(st.integers(-50, 50), min_size=1, max_size=4), min_size=1, max_size=30),
    every=st.integers(1, 7),
)
def test_snapshot_plus_tail_equals_full_replay_at_every_version(changes: list[list[int]], every: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(scenario(Path(directory), changes, every))


async def test_a_snapshot_of_an_older_schema_is_ignored(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "accounts.db")
    store = SqliteEventStore(database)
    await store.migrate()
    try:
        repository = Repository(store, Account, snapshot_every=1)
        account = Account("a")
        account.apply_change(10)
        await repository.create(account, MessageContext.new())
        await store.save_snapshot(Snapshot("account-a", 1, 1, {"balance": 999, "history": []}))  # schema 1 < 2
        assert (await repository.load("a")).balance == 10
    finally:
        database.close()


async def test_a_snapshot_is_saved_each_time_the_stream_passes_a_multiple_of_snapshot_every(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "accounts.db")
    store = SqliteEventStore(database)
    await store.migrate()
    try:
        # Given a repository that snapshots every 3 events
        repository = Repository(store, Account, snapshot_every=3)
        snapshots = []
        # When commands of two events each are saved, up to version 8
        for amount in (1, 2, 3, 4):

            def twice(account: Account, amount: int = amount) -> None:
                account.apply_change(amount)
                account.apply_change(-1)

            await repository.change("a", twice, MessageContext.new(), new=Account)
            snapshot, tail = await store.load_from_snapshot("account-a", snapshot_schema=2)
            snapshots.append((snapshot.version if snapshot else None, len(tail)))
        # Then a snapshot is taken at version 4 (passing 3) and 6, and none at 2 or 8 (no multiple passed)
        assert snapshots == [(None, 2), (4, 0), (6, 0), (6, 2)]
        snapshot, _ = await store.load_from_snapshot("account-a", snapshot_schema=2)
        assert snapshot == Snapshot("account-a", 6, 2, {"balance": 3, "history": [1, -1, 2, -1, 3, -1]})
        # And an aggregate without snapshot support is never snapshotted
        assert Repository(store, Deposits, snapshot_every=1).snapshot_every == 0
    finally:
        database.close()


class Deposits(Aggregate):
    stream_type = "deposits"
