"""A SQLite database driven from asyncio: one writer thread, a few reader threads.

Writes are queued to the single writer thread, which takes every job waiting in the queue and
commits them in one transaction (group commit): under concurrency many callers share one fsync.
Each job runs inside its own savepoint, so one job's failure rolls back only that job. A caller's
future resolves only after the transaction holding its job has committed.

Reads are queued to a few reader threads, each with its own connection, and answered the same
way: the thread resolves the caller's future on the caller's loop. (A plain queue and one
`call_soon_threadsafe` cost a third of `run_in_executor`'s round trip, which matters for the
many small reads of a request.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")


@dataclass(slots=True)
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


Outcome = tuple[asyncio.Future[Any], Any, BaseException | None]


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _resolve_all(outcomes: list[Outcome]) -> None:
    for future, result, error in outcomes:
        _resolve(future, result, error)


class CommitSignal:
    """Lets coroutines wait for the next commit made by another thread."""

    def __init__(self) -> None:
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._lock = threading.Lock()

    def notify(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, future, None, None)

    async def wait(self, timeout: float) -> None:
        """Return at the next commit or after `timeout` seconds. (`asyncio.wait`, not `wait_for`: on
        Python 3.11 `wait_for` can swallow a cancellation arriving as the future completes.)"""
        loop = asyncio.get_running_loop()
        waiter = (loop, loop.create_future())
        with self._lock:
            self._waiters.append(waiter)
        try:
            await asyncio.wait((waiter[1],), timeout=timeout)
        finally:
            with self._lock, contextlib.suppress(ValueError):
                self._waiters.remove(waiter)


class SqliteDatabase:
    max_batch = 256

    def __init__(self, path: str | Path, *, synchronous: str = "NORMAL", readers: int = 3) -> None:
        if synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS_MODES}")
        self.path = Path(path)
        self.synchronous = synchronous.upper()
        self.committed = CommitSignal()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._read_jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._reader_count = readers
        self._readers: list[threading.Thread] = []
        self._readers_lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._closed = False

    def connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():
            # owner-only (0600); SQLite gives the -wal and -shm files the database file's mode
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, cached_statements=256)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={self.synchronous}")
        connection.execute("PRAGMA busy_timeout=10000")
        return connection

    def open(self) -> None:
        if self._writer is None:
            connection = self.connect()  # fail here, in the caller, if the file cannot be opened
            self._writer = threading.Thread(
                target=self._write_loop, args=(connection,), name=f"sqlite-write:{self.path.stem}", daemon=True
            )
            self._writer.start()

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise RuntimeError(f"database {self.path} is closed")
        self.open()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(fn, future, loop))
        return await future

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise RuntimeError(f"database {self.path} is closed")
        if not self._readers:
            self._start_readers()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._read_jobs.put(_Job(fn, future, loop))
        return await future

    @staticmethod
    def _read(connection: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
        connection.execute("BEGIN")  # one consistent snapshot for every statement of `fn`
        try:
            return fn(connection)
        finally:
            connection.execute("ROLLBACK")

    def _start_readers(self) -> None:
        with self._readers_lock:
            if self._readers:
                return
            for index in range(self._reader_count):
                name = f"sqlite-read:{self.path.stem}_{index}"
                thread = threading.Thread(target=self._read_loop, name=name, daemon=True)
                thread.start()
                self._readers.append(thread)

    def _read_loop(self) -> None:
        connection: sqlite3.Connection | None = None
        with contextlib.suppress(Exception):
            connection = self.connect()  # ready before the first read; failures surface on that read
        jobs = self._read_jobs
        while (job := jobs.get()) is not None:
            if job.future.done():  # the caller was cancelled meanwhile
                continue
            result, error = None, None
            try:
                if connection is None:
                    connection = self.connect()
                result = self._read(connection, job.fn)
            except BaseException as failure:
                error = failure
            if not job.loop.is_closed():
                job.loop.call_soon_threadsafe(_resolve, job.future, result, error)
        if connection is not None:
            connection.close()

    def _write_loop(self, connection: sqlite3.Connection) -> None:
        jobs = self._jobs
        while True:
            job = jobs.get()
            if job is None:
                break
            batch = [job]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(connection, batch)
            if stop:
                break
        connection.close()

    def _commit(self, connection: sqlite3.Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[Any, BaseException | None]] = []
        try:
            connection.execute("BEGIN IMMEDIATE")
            if len(batch) == 1:
                outcomes.append((batch[0].fn(connection), None))
            else:
                for job in batch:
                    connection.execute("SAVEPOINT job")
                    try:
                        outcomes.append((job.fn(connection), None))
                        connection.execute("RELEASE job")
                    except Exception as error:
                        connection.execute("ROLLBACK TO job")
                        connection.execute("RELEASE job")
                        outcomes.append((None, error))
            connection.execute("COMMIT")
        except BaseException as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if len(batch) == 1 or len(outcomes) < len(batch):
                outcomes = [(None, error)] * len(batch)  # nothing was committed
            else:
                outcomes = [(None, error) if failure is None else (None, failure) for _, failure in outcomes]
        by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
        for job, (result, failure) in zip(batch, outcomes, strict=True):
            by_loop.setdefault(job.loop, []).append((job.future, result, failure))
        for loop, resolved in by_loop.items():  # one wake-up per loop, however many jobs it had
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve_all, resolved)
        self.committed.notify()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join()
        for _ in self._readers:
            self._read_jobs.put(None)
        for thread in self._readers:
            thread.join()

    async def ping(self, timeout: float = 1.0) -> bool:
        """Does a read succeed within `timeout` seconds?"""
        probe = asyncio.ensure_future(self.read(lambda tx: tx.execute("SELECT 1").fetchone()))
        done, _ = await asyncio.wait((probe,), timeout=timeout)
        if not done:
            probe.cancel()
            return False
        return probe.exception() is None
