"""A lease among replicas: a session-level advisory lock held on a connection of its own.

PostgreSQL holds the lock as long as that connection lives. When the holder's process dies (even by
SIGKILL) its connection closes and the lock is free at once for the next replica that asks, so no
expiry time has to be tuned and two live holders can exist only while a broken connection is being
noticed: the work it guards must stay harmless when done twice (the outbox relay's is: messages
carry their id, NATS drops duplicates within its window and consumers keep an inbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

import psycopg

log = logging.getLogger("martello.postgres")


class AdvisoryLease:
    def __init__(self, url: str, name: str, connect_options: dict[str, Any] | None = None) -> None:
        self.url = url
        self.name = name
        self.connect_options = connect_options or {}
        self._connection: psycopg.Connection[Any] | None = None
        self._held = False
        self._lock = threading.Lock()

    async def acquire(self) -> bool:
        """True while this process holds the lease (checked or taken now), else False."""
        return await asyncio.to_thread(self._acquire)

    def _acquire(self) -> bool:
        with self._lock:
            try:
                connection = self._connection
                if connection is None or connection.closed:
                    self._held = False
                    connection = self._connection = psycopg.connect(
                        self.url, autocommit=True, connect_timeout=5, **self.connect_options
                    )
                if self._held:
                    connection.execute("SELECT 1")  # still connected, so still holding it
                    return True
                query = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
                row = connection.execute(query, (f"martello:lease:{self.name}",)).fetchone()
                self._held = bool(row and row[0])
                if self._held:
                    log.info("this process now holds the %s lease", self.name)
                return self._held
            except psycopg.Error as error:
                log.warning("lease %s: %s", self.name, error)
                self._drop()
                return False

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._connection.close()
        self._connection = None
        self._held = False

    def release(self) -> None:
        with self._lock:
            self._drop()
