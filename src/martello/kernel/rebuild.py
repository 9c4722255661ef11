"""Rebuilding a read model from the log while the live one keeps answering queries.

The projection is replayed from position 0 into fresh tables in a scratch database. When the
fresh tables have caught up with the live checkpoint, one write transaction on the live database
replaces the live tables' rows with the fresh ones and keeps the checkpoint: readers see the old
read model until that commit and the rebuilt one after it, never a mix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.projection import CHECKPOINTS_DDL, Projection, ProjectionRunner, read_checkpoint
from martello.kernel.stalls import STALLS_DDL, Stall, clear_stall
from martello.kernel.store import EventStore

Progress = Callable[[int, int], None]
"""Called with (position reached, head of the log) as the rebuild advances."""


class RebuildFellBehind(Exception):
    pass


class RebuildStalled(Exception):
    """The log holds an event the projection cannot apply: the live read model is left as it was."""

    def __init__(self, stall: Stall) -> None:
        super().__init__(
            f"{stall.projection}: cannot apply the event at position {stall.position} ({stall.event_type}):"
            f" {stall.error}; deploy an upcaster or a fix first"
        )
        self.stall = stall


async def rebuild_projection(
    projection: Projection,
    store: EventStore,
    live: Database,
    scratch: Database,
    *,
    progress: Progress | None = None,
    batch_size: int = 1000,
    attempts: int = 20,
) -> int:
    """Rebuild `projection` into `scratch`, then swap it into `live` atomically; return its position."""
    fresh = ProjectionRunner(projection, store, scratch, batch_size=batch_size)
    await fresh.setup()
    await live.write(lambda tx: (tx.execute(CHECKPOINTS_DDL), tx.execute(STALLS_DDL)))
    for _ in range(attempts):
        head = await store.head()
        while await fresh.step():
            if progress:
                progress(fresh.position, max(head, fresh.position))
        if progress:
            progress(fresh.position, max(head, fresh.position))
        if fresh.stall is not None:
            raise RebuildStalled(fresh.stall)
        rows = await scratch.read(
            lambda tx: {table: tx.execute(f"SELECT * FROM {table}").fetchall() for table in projection.tables}
        )
        rebuilt_at = await scratch.read(lambda tx: read_checkpoint(tx, projection.name))

        def swap(tx: Transaction, rows: dict[str, list[Any]] = rows, rebuilt_at: int = rebuilt_at) -> bool:
            projection.setup(tx)
            if read_checkpoint(tx, projection.name) > rebuilt_at:
                return False  # the live projection moved on meanwhile: catch up and try again
            for table, table_rows in rows.items():
                tx.execute(f"DELETE FROM {table}")
                if table_rows:
                    marks = ", ".join("?" * len(table_rows[0]))
                    tx.executemany(f"INSERT INTO {table} VALUES ({marks})", [tuple(r) for r in table_rows])
            moved = tx.execute("UPDATE checkpoints SET position = ? WHERE name = ?", (rebuilt_at, projection.name))
            if moved.rowcount == 0:
                tx.execute("INSERT INTO checkpoints (name, position) VALUES (?, ?)", (projection.name, rebuilt_at))
            clear_stall(tx, projection.name)  # the rebuilt read model got past any event the live one stalled on
            return True

        if await live.write(swap):
            return rebuilt_at
    raise RebuildFellBehind(f"{projection.name}: the live projection kept moving; try again when the shop is quieter")
