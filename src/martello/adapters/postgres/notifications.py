"""Wake-ups across processes with LISTEN/NOTIFY: "events were appended", "the outbox has messages".

An append sends `pg_notify(channel, ...)` inside its transaction; PostgreSQL delivers it to every
listening connection when (and only if) the transaction commits. One listening connection per
store receives them and wakes the coroutines waiting in `wait_for_events`/`wait_for_messages`.

A notification is only a hint: waiters always re-read the database, and wait with a timeout, so a
lost connection (while PostgreSQL restarts) delays them by at most that timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg
from psycopg import sql

log = logging.getLogger("martello.postgres")


class Signal:
    """Coroutines of one event loop waiting for the next `fire()`."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.get_loop().call_soon_threadsafe(_set, waiter)

    async def wait(self, timeout: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:  # asyncio.wait, not wait_for: on Python 3.11 wait_for can swallow a cancellation
            await asyncio.wait((waiter,), timeout=timeout)
        finally:
            self._waiters.discard(waiter)


def _set(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Listener:
    """LISTENs on some channels over one connection, reconnecting when it is lost."""

    def __init__(self, url: str, connect_options: dict[str, Any], signals: dict[str, Signal]) -> None:
        self.url = url
        self.connect_options = connect_options
        self.signals = signals
        self._task: asyncio.Task[None] | None = None

    def ensure_started(self) -> None:
        """Listen from the running event loop, unless a listener is running (in any loop: signals cross loops)."""
        if self._task is None or self._task.done() or self._task.get_loop().is_closed():
            self._task = asyncio.get_running_loop().create_task(self._listen(), name="postgres-listener")

    async def _listen(self) -> None:
        backoff = 0.2
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(self.url, **self.connect_options)
                async with connection:
                    for channel in self.signals:
                        await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    backoff = 0.2
                    for signal in self.signals.values():
                        signal.fire()  # something may have happened while we were not listening
                    async for notification in connection.notifies():
                        woken = self.signals.get(notification.channel)
                        if woken is not None:
                            woken.fire()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.debug("listener on %s lost (%s); reconnecting in %.1fs", list(self.signals), error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None or task.done():
            return
        if task.get_loop() is asyncio.get_running_loop():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        else:
            task.get_loop().call_soon_threadsafe(task.cancel)
