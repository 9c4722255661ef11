"""A concurrent writer on demand: another write to the same stream lands just before ours, as a second
request or replica would, so that tests can drive the conflict-retry paths deterministically."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from martello.kernel.envelope import MessageContext
from martello.kernel.events import Event
from martello.kernel.store import AppendResult


class Race:
    """Installed on a store instance: before each of the next `times` appends to `stream_id`, `events`
    are appended there first (unconditionally). `appends` counts the appends attempted on that stream."""

    def __init__(self, store: Any, stream_id: str, events: Sequence[Event], times: int = 1) -> None:
        self.stream_id = stream_id
        self.events = list(events)
        self.times = times
        self.appends = 0
        self._append = store.append
        store.append = self.append

    async def append(self, stream_id: str, events: Sequence[Event], *args: Any, **kwargs: Any) -> AppendResult:
        if stream_id == self.stream_id:
            self.appends += 1
            if self.times:
                self.times -= 1
                await self._append(stream_id, self.events, MessageContext.new("racer"), expected_version=None)
        result: AppendResult = await self._append(stream_id, events, *args, **kwargs)
        return result
