"""The inbox: which messages each consumer has handled, so a redelivered message changes nothing twice.

The mark is written in the same transaction as the consumer's effect (see `martello.kernel.consumer`).
"""

from __future__ import annotations

from martello.kernel.database import Transaction

INBOX_DDL = (
    "CREATE TABLE IF NOT EXISTS inbox ("
    " consumer TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (consumer, message_id))"
)


def mark_handled(tx: Transaction, consumer: str, message_id: str) -> bool:
    """Record that `consumer` handled `message_id`; False if it already had (then do nothing)."""
    cursor = tx.execute(
        "INSERT INTO inbox (consumer, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (consumer, message_id)
    )
    return cursor.rowcount == 1
