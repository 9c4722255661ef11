"""What every system stores: the same event payload, on the same SQLite settings."""

from __future__ import annotations

from typing import Any

SYNCHRONOUS = "FULL"
"""SQLite `synchronous` for every system, with `journal_mode=WAL`.

The `eventsourcing` library switches its files to WAL and leaves `synchronous` at SQLite's default,
FULL (the WAL is fsynced at every commit), with no setting to change it; the other two match it,
so every acknowledged write is durable before it is answered."""


def payload(i: int = 123) -> dict[str, Any]:
    """The event shape: `{"sku": "SKU-000123", "quantity": 3, "price_cents": 1999}`."""
    return {"sku": f"SKU-{i % 1000:06d}", "quantity": 3, "price_cents": 1999}
