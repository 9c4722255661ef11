"""What happens to a widget, as past-tense facts.

Type names are explicit and never change; a change to an event's fields bumps its `version` and
registers an upcaster from the previous one (`kernel/events.py`)."""

from __future__ import annotations

from martello.kernel.events import Event, event


@event("workshop.WidgetCreated", version=1)
class WidgetCreated(Event):
    widget_id: str
    name: str


@event("workshop.WidgetRenamed", version=1)
class WidgetRenamed(Event):
    widget_id: str
    name: str


@event("workshop.WidgetRetired", version=1)
class WidgetRetired(Event):
    widget_id: str
