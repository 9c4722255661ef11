"""Translating workshop changes into the integration events other modules rely on
(sent through the outbox, in the same transaction as the domain events)."""

from __future__ import annotations

from collections.abc import Sequence

from martello.generator.template.contracts import WidgetIntroduced
from martello.generator.template.domain.events import WidgetCreated
from martello.generator.template.domain.widget import Widget
from martello.kernel.events import Event


def published_events(widget: Widget, events: Sequence[Event]) -> list[Event]:
    """Other modules learn of each new widget."""
    return [
        WidgetIntroduced(widget_id=event.widget_id, name=event.name)
        for event in events
        if isinstance(event, WidgetCreated)
    ]
