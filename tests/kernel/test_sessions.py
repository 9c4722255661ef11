"""Token revocations: given what a module learnt (a revocation recorded or a TokensRevoked message), then which
tokens of a user no longer count, in this replica and in another that reads the same table."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase
from martello.kernel.envelope import Envelope
from martello.kernel.ids import new_id
from martello.kernel.inbox import INBOX_DDL
from martello.kernel.sessions import TokenRevocations, TokensRevoked, instant

MOMENT = datetime(2030, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "sessions.db")
    await database.write(lambda tx: tx.execute(INBOX_DDL))
    yield database
    database.close()


async def revocations(database: SqliteDatabase) -> TokenRevocations:
    module = TokenRevocations("shop", database)
    await module.setup()
    return module


def revoked(user_id: str, not_before: datetime) -> Envelope[TokensRevoked]:
    event = TokensRevoked(user_id=user_id, not_before=not_before.isoformat())
    return Envelope(
        new_id(), TokensRevoked.__event_type__, 1, f"user-{user_id}", 1, 1, MOMENT, "corr", "cause", None, event
    )


async def test_without_a_revocation_every_token_counts(database: SqliteDatabase) -> None:
    module = await revocations(database)
    assert await module.not_before("u-1") == -math.inf
    assert not await module.is_revoked("u-1", 0.0)
    assert module.name == "shop.sessions"


async def test_a_revocation_refuses_tokens_issued_before_it_and_no_others(database: SqliteDatabase) -> None:
    module = await revocations(database)
    await module.revoke("u-1", instant(MOMENT))
    assert await module.is_revoked("u-1", instant(MOMENT) - 0.000001)
    assert not await module.is_revoked("u-1", instant(MOMENT))
    assert not await module.is_revoked("u-2", instant(MOMENT) - 1)


async def test_an_earlier_revocation_learnt_later_does_not_undo_a_later_one(database: SqliteDatabase) -> None:
    module = await revocations(database)
    await module.revoke("u-1", instant(MOMENT))
    await module.revoke("u-1", instant(MOMENT - timedelta(hours=1)))
    assert await module.not_before("u-1") == instant(MOMENT)
    another_replica = await revocations(database)
    assert await another_replica.not_before("u-1") == instant(MOMENT)


async def test_a_tokens_revoked_message_is_recorded_once_for_every_replica(database: SqliteDatabase) -> None:
    module = await revocations(database)
    message = revoked("u-1", MOMENT)
    await module.handle(message)
    await module.handle(message)  # redelivered: already handled
    assert await module.not_before("u-1") == instant(MOMENT)
    another_replica = await revocations(database)
    assert await another_replica.is_revoked("u-1", instant(MOMENT) - 1)
    handled = await database.read(lambda tx: tx.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
    assert handled == 1
