"""Integration events the workshop publishes (versioned; consumers rely on their shape)."""

from __future__ import annotations

from martello.kernel.events import Event, event


@event("workshop.public.WidgetIntroduced", version=1)
class WidgetIntroduced(Event):
    """A new widget exists, under this name."""

    widget_id: str
    name: str
