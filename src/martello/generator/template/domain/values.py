"""Value objects of the workshop module."""

from __future__ import annotations

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_NAME_LENGTH, bounded_text


def name(value: str, field: str = "name") -> str:
    """A trimmed, non-blank name of at most MAX_NAME_LENGTH characters, on one line, without bidi controls."""
    cleaned = value.strip()
    if not cleaned:
        raise InvalidValue(field, f"{field} must not be blank")
    return bounded_text(field, cleaned, MAX_NAME_LENGTH)
