"""Stream history over HTTP: a stream's events with their full envelopes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from martello.kernel.envelope import Envelope
from martello.kernel.errors import NotFound
from martello.kernel.events import Event


class EventOut(BaseModel):
    message_id: str
    type: str
    schema_version: int
    stream_id: str
    stream_version: int
    position: int
    timestamp: str
    correlation_id: str
    causation_id: str
    actor: str | None
    data: dict[str, Any]


class HistoryOut(BaseModel):
    stream_id: str
    version: int
    events: list[EventOut]


def history(stream_id: str, envelopes: list[Envelope[Event]]) -> HistoryOut:
    if not envelopes:
        raise NotFound(f"stream {stream_id} has no events", stream_id=stream_id)
    return HistoryOut(
        stream_id=stream_id,
        version=envelopes[-1].stream_version,
        events=[EventOut(**e.describe()) for e in envelopes],
    )
