"""Widget rules: given past events, when a behaviour, then new events or a named error."""

from __future__ import annotations

import pytest

from martello.generator.template.application.integration import published_events
from martello.generator.template.contracts import WidgetIntroduced
from martello.generator.template.domain.errors import WidgetAlreadyRetired
from martello.generator.template.domain.events import WidgetCreated, WidgetRenamed, WidgetRetired
from martello.generator.template.domain.widget import Widget
from martello.kernel.errors import InvalidValue
from martello.kernel.events import Event

ID = "widget-1"
CREATED = WidgetCreated(widget_id=ID, name="First")


def given(*events: Event) -> Widget:
    return Widget.replay(ID, events)


def then(widget: Widget, *events: Event) -> None:
    assert widget.pending_events == list(events)


def test_creating_a_widget_records_its_trimmed_name() -> None:
    then(Widget.create(ID, "  First "), CREATED)


def test_a_widget_needs_a_name() -> None:
    with pytest.raises(InvalidValue):
        Widget.create(ID, "   ")


def test_renaming_a_widget_records_the_new_name() -> None:
    widget = given(CREATED)
    widget.rename("Second")
    then(widget, WidgetRenamed(widget_id=ID, name="Second"))


def test_renaming_a_widget_to_its_own_name_records_nothing() -> None:
    widget = given(CREATED)
    widget.rename("First")
    then(widget)


def test_a_retired_widget_cannot_be_renamed_or_retired_again() -> None:
    widget = given(CREATED, WidgetRetired(widget_id=ID))
    with pytest.raises(WidgetAlreadyRetired):
        widget.rename("Second")
    with pytest.raises(WidgetAlreadyRetired):
        widget.retire()
    then(widget)


def test_a_snapshot_restores_the_same_widget() -> None:
    widget = given(CREATED, WidgetRenamed(widget_id=ID, name="Second"), WidgetRetired(widget_id=ID))
    restored = Widget.from_snapshot(ID, widget.version, widget.snapshot_state())
    assert (restored.name, restored.retired, restored.version) == ("Second", True, 3)


def test_a_new_widget_is_announced_to_other_modules() -> None:
    widget = Widget.create(ID, "First")
    assert published_events(widget, widget.pending_events) == [WidgetIntroduced(widget_id=ID, name="First")]
    assert published_events(widget, [WidgetRenamed(widget_id=ID, name="Second")]) == []
