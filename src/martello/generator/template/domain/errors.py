"""The business rules of the workshop module, each a named error
(a DomainError is a 409 problem, with its code)."""

from __future__ import annotations

from martello.kernel.errors import DomainError


class WidgetAlreadyRetired(DomainError):
    code = "widget-retired"

    def __init__(self, widget_id: str, action: str) -> None:
        super().__init__(f"a retired widget cannot {action}", widget_id=widget_id)
