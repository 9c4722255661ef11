"""Time travel replays a projection's own handlers over one stream's prefix into a scratch database and asks
the live query there: at every version it answers what the live read model answered then, for that stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from martello.adapters.sqlite import MemoryDatabase, SqliteDatabase, SqliteEventStore, memory_database
from martello.kernel.database import Database, Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event, EventRegistry, event
from martello.kernel.module import ModuleContext
from martello.kernel.projection import Projection, ProjectionRunner, on
from martello.kernel.time_travel import NoScratchDatabase, TimeTravel, no_scratch_database

events = EventRegistry()


@event("traveltest.Deposited", into=events)
class Deposited(Event):
    account: str
    amount: int


@event("traveltest.Withdrawn", into=events)
class Withdrawn(Event):
    account: str
    amount: int


class Balances(Projection):
    name = "traveltest.balances"
    schema = (
        "CREATE TABLE IF NOT EXISTS balances (account TEXT PRIMARY KEY, balance INTEGER NOT NULL,"
        " moves INTEGER NOT NULL, version INTEGER NOT NULL)",
    )
    tables = ("balances",)

    @on(Deposited)
    def _deposited(self, tx: Transaction, e: Envelope[Deposited]) -> None:
        tx.execute(
            "INSERT INTO balances (account, balance, moves, version) VALUES (?, ?, 1, ?) ON CONFLICT (account)"
            " DO UPDATE SET balance = balances.balance + excluded.balance, moves = balances.moves + 1,"
            " version = excluded.version",
            (e.event.account, e.event.amount, e.stream_version),
        )

    @on(Withdrawn)
    def _withdrawn(self, tx: Transaction, e: Envelope[Withdrawn]) -> None:
        tx.execute(
            "UPDATE balances SET balance = balance - ?, moves = moves + 1, version = ? WHERE account = ?",
            (e.event.amount, e.stream_version, e.event.account),
        )


def balance_of(tx: Transaction, account: str) -> tuple[Any, ...] | None:
    """The query the live read model answers, and time travel too."""
    row = tx.execute("SELECT balance, moves, version FROM balances WHERE account = ?", (account,)).fetchone()
    return None if row is None else tuple(row)


class Scratches:
    """A scratch-database factory that counts what it opened and closed."""

    def __init__(self) -> None:
        self.opened = self.closed = 0

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Database]:
        self.opened += 1
        try:
            async with memory_database() as database:
                yield database
        finally:
            self.closed += 1


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteEventStore]:
    database = SqliteDatabase(tmp_path / "travel.db")
    store = SqliteEventStore(database, events=events)
    await store.migrate()
    yield store
    database.close()


async def append(store: SqliteEventStore, account: str, change: int) -> None:
    moved = Deposited(account=account, amount=change) if change >= 0 else Withdrawn(account=account, amount=-change)
    await store.append(f"account-{account}", [moved], MessageContext.new(), expected_version=None)


moves = st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(-50, 100)), min_size=1, max_size=25)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=moves)
async def test_at_every_version_time_travel_answers_what_the_live_read_model_answered_then(
    tmp_path_factory: pytest.TempPathFactory, history: list[tuple[str, int]]
) -> None:
    database = SqliteDatabase(tmp_path_factory.mktemp("travel") / "travel.db")
    store = SqliteEventStore(database, events=events)
    await store.migrate()
    live = ProjectionRunner(Balances(), store, database)
    await live.setup()
    past = TimeTravel(Balances(), store, memory_database)
    answered: dict[str, list[Any]] = {"a": [], "b": []}
    try:
        for account, change in history:  # the two streams interleave in the log
            await append(store, account, change)
            await live.catch_up()
            answered[account].append(await database.read(lambda tx, account=account: balance_of(tx, account)))
        for account, answers in answered.items():
            for version, answer in enumerate(answers, start=1):
                then = await past.answer(
                    f"account-{account}",
                    lambda tx, account=account: balance_of(tx, account),
                    to_version=version,
                    absent=NotFound("no account then"),
                )
                assert then == answer, f"account {account} as of version {version}"
    finally:
        database.close()


async def test_a_point_before_the_stream_began_raises_what_the_caller_named(store: SqliteEventStore) -> None:
    await append(store, "a", 10)
    first = (await store.read_stream("account-a"))[0]
    scratches = Scratches()
    past = TimeTravel(Balances(), store, scratches)

    def read(tx: Transaction) -> tuple[Any, ...] | None:
        return balance_of(tx, "a")

    with pytest.raises(NotFound, match="not yet"):
        await past.answer("account-b", read, to_version=1, absent=NotFound("not yet"))
    with pytest.raises(NotFound, match="not yet"):
        await past.answer("account-a", read, until=first.timestamp.replace(year=2000), absent=NotFound("not yet"))
    assert scratches.opened == 0, "nothing to replay: no scratch database"
    assert await past.answer("account-a", read, until=first.timestamp, absent=NotFound("-")) == (10, 1, 1)


async def test_each_answer_gets_its_own_scratch_database_closed_after_even_when_the_query_fails(
    store: SqliteEventStore,
) -> None:
    await append(store, "a", 10)
    await append(store, "a", -3)
    scratches = Scratches()
    past = TimeTravel(Balances(), store, scratches)
    assert await past.answer("account-a", lambda tx: balance_of(tx, "a"), absent=NotFound("-")) == (7, 2, 2)
    assert await past.answer("account-a", lambda tx: balance_of(tx, "a"), to_version=1, absent=NotFound("-")) == (
        10,
        1,
        1,
    )

    def broken(tx: Transaction) -> None:
        raise LookupError("the query failed")

    with pytest.raises(LookupError):
        await past.answer("account-a", broken, absent=NotFound("-"))
    assert (scratches.opened, scratches.closed) == (3, 3)
    live_rows = await store.database.read(
        lambda tx: tx.execute("SELECT count(*) FROM sqlite_master WHERE name = 'balances'").fetchone()[0]
    )
    assert live_rows == 0, "the module's own database is never touched"


async def test_a_context_without_a_scratch_database_refuses_time_travel_by_name(store: SqliteEventStore) -> None:
    context = ModuleContext("traveltest", store, store.database, bus=None)  # type: ignore[arg-type]
    assert context.scratch is no_scratch_database
    await append(store, "a", 1)
    with pytest.raises(NoScratchDatabase):
        await TimeTravel(Balances(), store, context.scratch).answer("account-a", lambda tx: None, absent=NotFound("-"))


async def test_the_memory_database_commits_writes_and_rolls_back_failures_and_reads() -> None:
    database = MemoryDatabase()
    await database.write(lambda tx: tx.execute("CREATE TABLE t (n INTEGER)"))
    await database.write(lambda tx: tx.execute("INSERT INTO t VALUES (1)"))

    def fails(tx: Any) -> None:
        tx.execute("INSERT INTO t VALUES (2)")
        raise ValueError("nope")

    with pytest.raises(ValueError):
        await database.write(fails)
    await database.read(lambda tx: tx.execute("INSERT INTO t VALUES (3)"))  # a read never keeps a change
    assert await database.read(lambda tx: tx.execute("SELECT n FROM t").fetchall()) == [(1,)]
    database.close()


async def test_a_memory_database_is_open_and_reachable_from_the_start() -> None:
    async with memory_database() as database:
        database.open()
        assert await database.ping()
        assert await database.read(lambda tx: tx.execute("SELECT 1").fetchone()) == (1,)
