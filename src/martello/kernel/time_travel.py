"""Time travel: a read model's answer as of a point in one stream's history.

The past view is not folded a second time by hand. The projection's own handlers replay the stream's
events up to a version or an instant into a throw-away database, and the very query that reads the live
read model reads that one. At the stream's latest version the answer is the live read model's.

    travel = TimeTravel(CatalogsProjection(), store, context.scratch)
    view = await travel.answer(stream_id, partial(catalog_view, catalog_id=id), to_version=3, absent=NotFound(...))

A projection answered this way must build a stream's rows from that stream's events alone (every
projection of a module's own aggregate does: its handlers key their rows by the event's aggregate id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from martello.kernel.database import Database, Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.projection import Projection
from martello.kernel.store import EventStore

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PointInTime:
    """Which state a query asks about: as of a version of the stream, or as of an instant; neither is now."""

    version: int | None = None
    instant: datetime | None = None

    @property
    def is_now(self) -> bool:
        return self.version is None and self.instant is None

    @property
    def said(self) -> str:
        """How an answer names it after what it found, or did not: nothing for now."""
        return "" if self.is_now else " at that point in time"


NOW = PointInTime()

ScratchDatabase = Callable[[], AbstractAsyncContextManager[Database]]
"""Opens an empty database for one use and drops it on exit (the runtime gives an in-memory SQLite one)."""


class NoScratchDatabase(RuntimeError):
    """The module context was built without a scratch database, so nothing can be replayed."""


def no_scratch_database() -> AbstractAsyncContextManager[Database]:
    raise NoScratchDatabase("this module context has no scratch database: time travel needs one from the runtime")


def replay_then_read(
    projection: Projection, envelopes: Sequence[Envelope[Event]], read: Callable[[Transaction], T], tx: Transaction
) -> T:
    """Create the projection's tables, apply `envelopes` with its handlers, then answer `read` (one transaction)."""
    projection.setup(tx)
    for envelope in envelopes:
        projection.handle(tx, envelope)
    return read(tx)


class TimeTravel:
    """Answers queries on `projection`'s read model as of a point in one stream's history."""

    def __init__(self, projection: Projection, store: EventStore, scratch: ScratchDatabase) -> None:
        self.projection = projection
        self.store = store
        self.scratch = scratch

    async def answer(
        self,
        stream_id: str,
        read: Callable[[Transaction], T],
        *,
        to_version: int | None = None,
        until: datetime | None = None,
        absent: Exception,
    ) -> T:
        """`read` on the read model as the projection built it from the stream's events up to `to_version`
        (or stored by `until`) alone; raises `absent` if the stream had no events by then."""
        envelopes = await self.store.read_stream(stream_id, to_version=to_version, until=until)
        if not envelopes:
            raise absent
        async with self.scratch() as database:
            return await database.write(lambda tx: replay_then_read(self.projection, envelopes, read, tx))

    async def now_or_then(
        self, live: Database, stream_id: str, read: Callable[[Transaction], T], at: PointInTime, absent: Exception
    ) -> T:
        """`read` on the `live` read model when `at` is now; else on the one of that point in the stream's history
        (as `answer`: `absent` if the stream had no events by then)."""
        if at.is_now:
            return await live.read(read)
        return await self.answer(stream_id, read, to_version=at.version, until=at.instant, absent=absent)
