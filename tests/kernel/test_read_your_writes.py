"""Read your own writes: a query given a log position waits for its read models to get there, answers a
position that was never written with an invalid value, and gives up with ReadModelBehind when they do not
get there in time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel import read_your_writes
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import InvalidValue, ReadModelBehind
from martello.kernel.events import Event, EventRegistry, event
from martello.kernel.projection import Projection, ProjectionRunner, on
from martello.kernel.read_your_writes import wait_for_position
from martello.web.problems import status_of

events = EventRegistry()


@event("rywtest.Noted", into=events)
class Noted(Event):
    text: str


class Notes(Projection):
    name = "rywtest.notes"
    schema = ("CREATE TABLE IF NOT EXISTS notes (position INTEGER PRIMARY KEY, text TEXT NOT NULL)",)
    tables = ("notes",)

    @on(Noted)
    def _noted(self, tx: Transaction, envelope: Envelope[Noted]) -> None:
        tx.execute("INSERT INTO notes (position, text) VALUES (?, ?)", (envelope.position, envelope.event.text))


@pytest.fixture
async def runner(tmp_path: Path) -> AsyncIterator[ProjectionRunner]:
    database = SqliteDatabase(tmp_path / "ryw.db")
    store = SqliteEventStore(database, events=events)
    await store.migrate()
    runner = ProjectionRunner(Notes(), store, database)
    await runner.setup()
    yield runner
    database.close()


async def note(runner: ProjectionRunner, text: str) -> int:
    result = await runner.store.append("notes", [Noted(text=text)], MessageContext.new(), expected_version=None)
    return result.position


async def test_a_query_waits_until_the_read_model_has_the_write(runner: ProjectionRunner) -> None:
    position = await note(runner, "hello")
    waiting = asyncio.create_task(wait_for_position([runner], position))
    await asyncio.sleep(0)
    assert not waiting.done(), "the read model has not applied the write yet"
    await runner.catch_up()
    await asyncio.wait_for(waiting, 5)
    rows = await runner.database.read(lambda tx: tx.execute("SELECT text FROM notes").fetchall())
    assert [row[0] for row in rows] == ["hello"]


async def test_no_position_or_one_already_reached_does_not_wait(runner: ProjectionRunner) -> None:
    await wait_for_position([runner], None)
    position = await note(runner, "hello")
    await runner.catch_up()
    await wait_for_position([runner], position)


async def test_a_position_never_written_is_an_invalid_min_position(runner: ProjectionRunner) -> None:
    position = await note(runner, "hello")
    with pytest.raises(InvalidValue) as refused:
        await wait_for_position([runner], position + 1)
    assert refused.value.field == "min_position"


async def test_a_read_model_that_does_not_get_there_in_time_is_behind(
    runner: ProjectionRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_your_writes, "READ_WAIT_SECONDS", 0.05)
    position = await note(runner, "hello")  # written, but nothing runs the projection
    with pytest.raises(ReadModelBehind) as behind:
        await wait_for_position([runner], position)
    assert behind.value.details == {"min_position": position}


def test_http_answers_a_read_model_behind_with_503() -> None:
    assert status_of(ReadModelBehind("not yet", min_position=7)) == 503
