"""Stalled projections: a projection that cannot apply an event stops at it and says so here.

The stall is kept in the module's database beside the checkpoints, so every process reading that
database sees it (the CLI, another replica, the ops endpoints). It goes when the projection moves past
the event: after a retry with an upcaster or fix deployed, or a rebuild.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from martello.kernel.database import Transaction

STALLS_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_stalls ("
    " name TEXT PRIMARY KEY, position BIGINT NOT NULL, event_type TEXT NOT NULL, error TEXT NOT NULL,"
    " stalled_at TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Stall:
    projection: str
    position: int
    """The global position of the event the projection cannot apply (everything before it is applied)."""
    event_type: str
    error: str
    """`ErrorType: message`."""
    stalled_at: str

    def describe(self) -> dict[str, Any]:
        """Where and why it stopped; the projection's name is the caller's to add."""
        return {field: value for field, value in asdict(self).items() if field != "projection"}


def new_stall(projection: str, position: int, event_type: str, error: str) -> Stall:
    return Stall(projection, position, event_type, error, datetime.now(UTC).isoformat(timespec="seconds"))


def record_stall(tx: Transaction, stall: Stall) -> None:
    """Record (or refresh) the stall; a projection stalled again at the same event keeps its first time."""
    tx.execute(
        "INSERT INTO projection_stalls (name, position, event_type, error, stalled_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET event_type = excluded.event_type, error = excluded.error,"
        " stalled_at = CASE WHEN projection_stalls.position = excluded.position"
        " THEN projection_stalls.stalled_at ELSE excluded.stalled_at END, position = excluded.position",
        (stall.projection, stall.position, stall.event_type, stall.error, stall.stalled_at),
    )


def clear_stall(tx: Transaction, name: str) -> None:
    tx.execute("DELETE FROM projection_stalls WHERE name = ?", (name,))


def read_stalls(tx: Transaction) -> dict[str, Stall]:
    """Every recorded stall by projection name ({} before the table exists: nothing ever stalled).
    Run it in a read of its own: on PostgreSQL a missing table ends the transaction."""
    try:
        rows = tx.execute("SELECT name, position, event_type, error, stalled_at FROM projection_stalls").fetchall()
    except Exception:  # no table yet: a module that never started
        return {}
    return {row[0]: Stall(row[0], int(row[1]), row[2], row[3], row[4]) for row in rows}
