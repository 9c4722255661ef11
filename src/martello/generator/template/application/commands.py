"""What can be asked of the workshop module: create a widget,
or change one through one of its behaviours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from martello.generator.template.domain.widget import Widget


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateWidget:
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeWidget:
    """Run one behaviour of an existing widget and append what it recorded:
    `Widget.retire`, or `lambda widget: widget.rename(name)`.
    A stale `expected_version` (the version the caller last saw) is refused."""

    widget_id: str
    change: Callable[[Widget], None]
    expected_version: int | None = None
