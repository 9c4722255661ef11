"""A module's PostgreSQL storage: one schema, transactions run off the event loop.

Module code (projections, queries, inbox effects) is synchronous and writes portable SQL, so each
`write(fn)`/`read(fn)` takes a connection from a psycopg pool and runs `fn` in a worker thread:

- every connection's `search_path` is the module's schema only, so unqualified table names are the
  module's own tables and no module can read another's by accident;
- `write` runs `fn` in a SERIALIZABLE transaction, the isolation a SQLite writer has, and runs it
  again if PostgreSQL reports a serialization failure or a deadlock (so `fn` must only touch the
  database, which is what projections and inbox handlers do). Replicas of a module writing the same
  read-model rows therefore behave as if they had taken turns;
- `read` runs `fn` in a REPEATABLE READ, READ ONLY transaction: one consistent snapshot;
- schema changes (`CREATE`/`ALTER`/`DROP`) first take a transaction-level advisory lock of the
  schema, because two replicas starting at once would otherwise race on `CREATE TABLE IF NOT
  EXISTS` (PostgreSQL reports a duplicate key on its own catalog then).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import orjson
import psycopg
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import set_json_loads
from psycopg.types.numeric import NumericLoader
from psycopg_pool import ConnectionPool

from martello.adapters.postgres.sql import is_ddl, translate

T = TypeVar("T")

log = logging.getLogger("martello.postgres")

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RETRIED = (errors.SerializationFailure, errors.DeadlockDetected)


class IntegralNumericLoader(NumericLoader):
    """`sum()` of a BIGINT is a NUMERIC in PostgreSQL; give ints (and floats) back as SQLite does."""

    def load(self, data: Any) -> Any:
        value: Decimal = super().load(data)
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)


class PostgresTransaction:
    """The `Transaction` a module's `fn` receives: portable SQL in, psycopg cursors out."""

    def __init__(self, connection: psycopg.Connection[Any], schema: str) -> None:
        self.connection = connection
        self.schema = schema
        self._ddl_locked = False

    def execute(self, statement: str, params: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        self._before(statement)
        if not params:
            return self.connection.execute(translate(statement, False))
        return self.connection.execute(translate(statement, True), params)

    def executemany(self, statement: str, params: Sequence[Sequence[Any]], /) -> psycopg.Cursor[Any]:
        self._before(statement)
        cursor = self.connection.cursor()
        cursor.executemany(translate(statement, True), params)
        return cursor

    def _before(self, statement: str) -> None:
        if not self._ddl_locked and is_ddl(statement):
            lock_schema(self.connection, self.schema, "ddl")
            self._ddl_locked = True


def lock_schema(connection: psycopg.Connection[Any], schema: str, purpose: str) -> None:
    """Take the transaction-level advisory lock `purpose` of `schema` (released at commit/rollback)."""
    connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"martello:{schema}:{purpose}",))


class DatabaseMissing(RuntimeError):
    """The server answers, but the database the URL names does not exist: waiting will not create it."""

    def __init__(self, url: str) -> None:
        info = conninfo_to_dict(url)
        name, host, port = info.get("dbname") or "postgres", info.get("host") or "localhost", info.get("port") or 5432
        super().__init__(
            f'PostgreSQL database "{name}" does not exist on {host}:{port}; create it first, e.g. '
            f'`createdb -h {host} -p {port} {name}` or `CREATE DATABASE "{name}";`'
        )
        self.name = name


MISSING_DATABASE = re.compile(r'database "[^"]*" does not exist')


class PostgresDatabase:
    def __init__(
        self,
        url: str,
        schema: str,
        *,
        pool_size: int = 4,
        timeout: float = 10.0,
        max_attempts: int = 20,
    ) -> None:
        if not SCHEMA_NAME.match(schema):
            raise ValueError(f"schema name {schema!r} must match {SCHEMA_NAME.pattern}")
        self.url = url
        self.schema = schema
        self.pool_size = pool_size
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._threads = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix=f"pg:{schema}")
        self._probe = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"pg-ping:{schema}")
        self._ping: asyncio.Future[bool] | None = None
        self._schema_ready = False
        self._closed = False

    @property
    def connection_options(self) -> dict[str, Any]:
        """Keyword arguments of `psycopg.connect` for a connection to this module's schema."""
        return {"autocommit": True, "options": f"-c search_path={self.schema} -c timezone=UTC"}

    def open(self) -> None:
        """Start the pool; connections are made in the background (PostgreSQL may not be up yet)."""
        if self._pool is None:
            self._pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=self.pool_size,
                kwargs=self.connection_options,
                configure=configure_connection,
                check=ConnectionPool.check_connection,
                timeout=self.timeout,
                reconnect_timeout=5.0,  # give up a reconnection early: the next request starts a fresh one
                name=self.schema,
                open=False,
            )
            self._pool.open(wait=False)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._threads.shutdown(wait=True)
        self._probe.shutdown(wait=True)
        if self._pool is not None:
            self._pool.close()

    async def reach(self, timeout: float = 5.0) -> None:
        """Connect once, outside the pool and without a thread, so that waiting can be cancelled at any
        moment. `psycopg.OperationalError` if the server cannot be reached (yet); `DatabaseMissing` if
        it answers that the database does not exist."""
        try:
            connection = await psycopg.AsyncConnection.connect(self.url, connect_timeout=max(1, round(timeout)))
        except psycopg.OperationalError as error:
            if MISSING_DATABASE.search(str(error)):
                raise DatabaseMissing(self.url) from None
            raise
        await connection.close()

    # -- the Database port -------------------------------------------------------------------------

    async def write(self, fn: Callable[[PostgresTransaction], T]) -> T:
        return await self.run(lambda connection: fn(PostgresTransaction(connection, self.schema)))

    async def read(self, fn: Callable[[PostgresTransaction], T]) -> T:
        return await self.run(lambda connection: fn(PostgresTransaction(connection, self.schema)), read_only=True)

    async def ping(self, timeout: float = 1.0) -> bool:
        """Can a connection be had within `timeout` seconds? (Concurrent probes share one attempt.)"""
        if self._ping is None or self._ping.done():
            self.open()
            loop = asyncio.get_running_loop()
            self._ping = loop.run_in_executor(self._probe, self._try_connection, timeout)
        return await asyncio.shield(self._ping)

    def _try_connection(self, timeout: float) -> bool:
        assert self._pool is not None
        try:
            with self._pool.connection(timeout=timeout) as connection:
                connection.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    # -- native access for the adapters ------------------------------------------------------------

    async def run(
        self, fn: Callable[[psycopg.Connection[Any]], T], *, read_only: bool = False, isolation: str = "SERIALIZABLE"
    ) -> T:
        """Run `fn` with a connection inside one transaction, in a worker thread."""
        if self._closed:
            raise RuntimeError(f"database {self.schema} is closed")
        self.open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._transact, fn, read_only, isolation)

    def _transact(self, fn: Callable[[psycopg.Connection[Any]], T], read_only: bool, isolation: str) -> T:
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if read_only else f"BEGIN ISOLATION LEVEL {isolation}"
        assert self._pool is not None
        for attempt in range(1, self.max_attempts + 1):
            with self._pool.connection() as connection:
                if not self._schema_ready and not read_only:
                    self._create_schema(connection)
                connection.execute(begin)
                try:
                    result = fn(connection)
                    connection.execute("ROLLBACK" if read_only else "COMMIT")
                    return result
                except RETRIED as error:
                    _rollback(connection)
                    if attempt == self.max_attempts:
                        raise
                    log.debug("%s: %s; running the transaction again", self.schema, error.sqlstate)
                except BaseException:
                    _rollback(connection)
                    raise
            time.sleep(random.uniform(0, 0.005 * attempt))  # let the winner finish before trying again
        raise AssertionError("unreachable")

    def _create_schema(self, connection: psycopg.Connection[Any]) -> None:
        with connection.transaction():
            lock_schema(connection, self.schema, "ddl")
            connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
        self._schema_ready = True

    async def drop_schema(self) -> None:
        """Drop the schema and everything in it (for tests and `reset` tools only)."""

        def drop(connection: psycopg.Connection[Any]) -> None:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))

        await self.run(drop, isolation="READ COMMITTED")
        self._schema_ready = False


def configure_connection(connection: psycopg.Connection[Any]) -> None:
    """Per connection: JSON through orjson, NUMERIC as int/float."""
    set_json_loads(orjson.loads, connection)
    connection.adapters.register_loader("numeric", IntegralNumericLoader)


def _rollback(connection: psycopg.Connection[Any]) -> None:
    if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE and not connection.broken:
        with contextlib.suppress(psycopg.Error):  # the pool discards a connection it cannot reset
            connection.execute("ROLLBACK")
