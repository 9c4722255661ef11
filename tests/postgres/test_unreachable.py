"""A PostgreSQL store started before its server: `migrate` retries with growing pauses, saying so, and gives
up with the connection error once `wait_for_server` has passed (no server needed: a closed port)."""

from __future__ import annotations

import socket

import psycopg
import pytest

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_migrate_retries_an_unreachable_server_then_gives_up_with_its_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = PostgresDatabase(f"postgresql://nobody@127.0.0.1:{closed_port()}/shop", "unreachable_test")
    store = PostgresEventStore(database, wait_for_server=0.5)
    try:
        with pytest.raises(psycopg.OperationalError):
            await store.migrate()
    finally:
        database.close()
    retries = [r.getMessage() for r in caplog.records if "not reachable" in r.getMessage()]
    assert retries, "each retry is logged"
    assert all("unreachable_test" in message for message in retries), "naming the schema it waits for"
