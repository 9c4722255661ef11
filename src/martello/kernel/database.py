"""The storage a module owns: transactions over its tables, whatever the engine.

Module code writes portable SQL with `?` placeholders; adapters translate where needed.
A `write` function runs inside one transaction: everything it does commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> Cursor: ...


class Database(Protocol):
    async def write(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` in a write transaction and commit it (roll back if it raises)."""
        ...

    async def read(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` against a consistent read-only view."""
        ...

    def open(self) -> None:
        """Get ready to serve (idempotent; a server may not answer yet: connections are made as needed)."""
        ...

    async def ping(self, timeout: float = 1.0) -> bool:
        """Can the storage be reached right now (within `timeout` seconds)? For readiness probes."""
        ...

    def close(self) -> None:
        """Finish what was queued and let go of every connection (idempotent)."""
        ...

