"""The event store port. Adapters (SQLite, PostgreSQL) implement it and pass `tests/contracts`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event

T = TypeVar("T")

NEW_STREAM = 0
"""Expected version of a stream that must not exist yet."""


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_id: str
    stream_version: int
    """The stream's version after the append."""
    position: int
    """The global position of the last event appended."""
    envelopes: tuple[Envelope[Event], ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    stream_id: str
    version: int
    schema: int
    state: dict[str, Any]


class EventStore(Protocol):
    """An append-only log of events, grouped in streams and totally ordered by global position.

    Guarantees every adapter gives (checked by the contract suite):
    - `append` is atomic: all events, outbox messages and the inbox mark are stored, or none;
    - `expected_version` guards it: `ConcurrencyError` when the stream is not at that version
      (`None` skips the check);
    - positions grow in commit order as seen by readers: a follower reading `read_all(after=n)`
      never later finds a committed event at a position <= n that it did not see.
    """

    async def append(
        self,
        stream_id: str,
        events: Sequence[Event],
        context: MessageContext,
        *,
        expected_version: int | None,
        outbox: Sequence[Event] = (),
        inbox: tuple[str, str] | None = None,
        unique: Sequence[tuple[str, str]] = (),
    ) -> AppendResult:
        """Append events to one stream.

        `outbox` holds integration events to publish once committed; `inbox` is
        `(consumer, message_id)` of the message being handled: if that consumer already handled
        it, nothing is stored and `DuplicateMessage` is raised. `unique` lists `(kind, value)` keys
        this stream claims for good (set validation, e.g. `("email", "a@b.example")`): if another
        stream holds one of them, nothing is stored and `UniqueKeyTaken` is raised.
        """
        ...

    async def read_stream(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Envelope[Event]]:
        """The events of one stream in version order, optionally bounded by version or time."""
        ...

    async def load_events(
        self,
        stream_id: str,
        *,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        """The same events as `read_stream`, without their envelopes: what folding an aggregate needs,
        at about half the cost."""
        ...

    async def read_all(
        self, after: int, limit: int = 1000, types: Collection[str] | None = None
    ) -> list[Envelope[Event]]:
        """Events with a position greater than `after`, in position order. `UndecodableRow` at the first
        event that cannot be read, carrying the ones before it."""
        ...

    async def head(self) -> int:
        """The highest committed global position (0 when empty)."""
        ...

    async def wait_for_events(self, after: int, timeout: float) -> None:
        """Return when an event past `after` may be committed, or after `timeout` seconds."""
        ...

    async def load_from_snapshot(
        self, stream_id: str, *, snapshot_schema: int, to_version: int | None = None
    ) -> tuple[Snapshot | None, list[Event]]:
        """The latest snapshot of `snapshot_schema` (up to `to_version`) and the events after it, read in
        one consistent view: how a repository loads a snapshot-able aggregate in one round trip."""
        ...

    async def save_snapshot(self, snapshot: Snapshot) -> None: ...


class UndecodableRow(Exception):
    """A stored event or outbox message this code cannot read: an unknown type or schema version (no
    upcaster), or a payload that does not fit its class. Raised by `read_all` and `pending` at the first
    such row, with everything before it decoded, so a reader can stop exactly there."""

    def __init__(self, key: int, raw: dict[str, Any], cause: BaseException, decoded: Sequence[Any]) -> None:
        self.key = key
        """The row's global position (events) or outbox id (messages)."""
        self.raw = raw
        """The row as stored, JSON-ready: what a dead letter keeps."""
        self.type = str(raw.get("type"))
        self.schema_version = raw.get("schema_version")
        self.cause = cause
        self.decoded = list(decoded)
        """The rows before it, decoded."""
        super().__init__(f"{self.type} v{self.schema_version} at {key} cannot be read: {describe_error(cause)}")


def describe_error(error: BaseException) -> str:
    """`Type: message`, for logs and status listings."""
    return f"{type(error).__name__}: {error}"


def decode_rows(
    rows: Sequence[Any], decode: Callable[[Any], T], raw: Callable[[Any], tuple[int, dict[str, Any]]]
) -> list[T]:
    """Decode rows in order; at the first that fails raise `UndecodableRow` carrying those before it."""
    decoded: list[T] = []
    for row in rows:
        try:
            decoded.append(decode(row))
        except Exception as error:
            key, stored = raw(row)
            raise UndecodableRow(key, stored, error, decoded) from error
    return decoded
