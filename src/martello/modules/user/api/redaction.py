"""Secrets stay out of history listings.

Events are the source of truth and are never changed, so `user.UserRegistered` keeps the password hash it
was stored with (the accounts read model needs it to sign people in). A hash is not the password, but it
is what an attacker needs to guess it offline, so it never leaves the module: every history this API shows
has each event field whose name mentions a password (today `password_hash`) replaced by `REDACTED`. The
rule goes by field name, so a future event carrying a hash (say, a changed password) is covered too.
"""

from __future__ import annotations

from typing import Any

from martello.web.history import HistoryOut

REDACTED = "***"


def is_secret(field: str) -> bool:
    return "password" in field.lower()


def redacted(listing: HistoryOut) -> HistoryOut:
    """The same history with every secret field's value replaced by `REDACTED`."""

    def clean(data: dict[str, Any]) -> dict[str, Any]:
        return {field: REDACTED if is_secret(field) else value for field, value in data.items()}

    events = [event.model_copy(update={"data": clean(event.data)}) for event in listing.events]
    return listing.model_copy(update={"events": events})
