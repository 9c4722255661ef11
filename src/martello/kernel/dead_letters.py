"""Dead letters: integration messages a consumer (or the outbox relay) gave up on, parked with their error.

A message that keeps failing for a reason that is not a business outcome (a bug, a payload this code
cannot read) is retried a bounded number of times, then parked here, in the module's own database,
and acknowledged, so the messages after it flow. An operator lists them, fixes the cause, and
re-delivers one: on success it leaves this table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event, EventRegistry, to_data
from martello.kernel.ids import new_id

DEAD_LETTERS_DDL = (
    "CREATE TABLE IF NOT EXISTS dead_letters ("
    " id TEXT PRIMARY KEY, consumer TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL,"
    " envelope TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,"
    " first_failed_at TEXT NOT NULL, last_failed_at TEXT NOT NULL, UNIQUE (consumer, message_id))"
)
COLUMNS = "id, consumer, message_id, type, envelope, error, attempts, first_failed_at, last_failed_at"
OUTBOX = "outbox"
"""The consumer name of messages the module's own outbox relay could not read or publish."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: str
    consumer: str
    message_id: str
    type: str
    envelope: dict[str, Any]
    """The message as received (or as stored in the outbox), JSON-ready."""
    error: str
    attempts: int
    first_failed_at: str
    last_failed_at: str

    def describe(self) -> dict[str, Any]:
        return asdict(self)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def envelope_data(envelope: Envelope[Event]) -> dict[str, Any]:
    """Everything needed to deliver the message again (secret fields included: it is a copy of the log)."""
    return {**envelope.describe(), "data": to_data(envelope.event)}


def envelope_from_data(data: dict[str, Any], events: EventRegistry) -> Envelope[Event]:
    """The envelope of a parked message, its event decoded (and upcast) by today's code."""
    return Envelope(
        data["message_id"],
        data["type"],
        data["schema_version"],
        data["stream_id"],
        data["stream_version"],
        data["position"],
        datetime.fromisoformat(data["timestamp"]),
        data["correlation_id"],
        data["causation_id"],
        data["actor"],
        events.decode(data["type"], data["schema_version"], dict(data["data"])),
    )


def park(
    tx: Transaction, consumer: str, envelope: dict[str, Any], error: str, attempts: int, first_failed_at: str
) -> None:
    """Park a message (a message parked again adds its attempts and keeps its first failure time)."""
    tx.execute(
        f"INSERT INTO dead_letters ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (consumer, message_id) DO UPDATE SET error = excluded.error,"
        " attempts = dead_letters.attempts + excluded.attempts, last_failed_at = excluded.last_failed_at",
        (
            new_id(),
            consumer,
            str(envelope["message_id"]),
            str(envelope["type"]),
            json.dumps(envelope, default=str),
            error,
            attempts,
            first_failed_at,
            now(),
        ),
    )


def failed_again(tx: Transaction, letter_id: str, error: str) -> None:
    tx.execute(
        "UPDATE dead_letters SET error = ?, attempts = attempts + 1, last_failed_at = ? WHERE id = ?",
        (error, now(), letter_id),
    )


def remove(tx: Transaction, letter_id: str) -> None:
    tx.execute("DELETE FROM dead_letters WHERE id = ?", (letter_id,))


def _letter(row: Any) -> DeadLetter:
    id_, consumer, message_id, type_, envelope, error, attempts, first, last = row
    return DeadLetter(id_, consumer, message_id, type_, json.loads(envelope), error, int(attempts), first, last)


def dead_letters(tx: Transaction) -> list[DeadLetter]:
    """Every parked message, oldest first ([] before the table exists). Run it in a read of its own."""
    try:
        rows = tx.execute(f"SELECT {COLUMNS} FROM dead_letters ORDER BY first_failed_at, id").fetchall()
    except Exception:  # no table yet: a module that never started
        return []
    return [_letter(row) for row in rows]

