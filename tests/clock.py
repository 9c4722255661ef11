"""A clock for tests: it starts at a given instant and moves only when told."""

from __future__ import annotations

from datetime import datetime, timedelta


class FixedClock:
    """Satisfies `martello.kernel.clock.Clock`; `advance(minutes=5)` moves it."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
