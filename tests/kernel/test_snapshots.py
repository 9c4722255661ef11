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
