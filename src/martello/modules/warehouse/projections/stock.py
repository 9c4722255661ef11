"""The stock read model: on hand, reserved and available units per SKU."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.kernel.projection import Projection, on
from martello.modules.warehouse.domain.events import Line, StockReceived, StockReleased, StockReserved, StockShipped


class StockProjection(Projection):
    name = "warehouse.stock"
    tables = ("warehouse_stock",)
    schema = (
        """CREATE TABLE IF NOT EXISTS warehouse_stock (
            sku TEXT PRIMARY KEY,
            on_hand INTEGER NOT NULL,
            reserved INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    )

    @on(StockReceived)
    def _received(self, tx: Transaction, e: Envelope[StockReceived]) -> None:
        tx.execute(
            "INSERT INTO warehouse_stock (sku, on_hand, reserved, updated_at) VALUES (?, ?, 0, ?)"
            " ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at",
            (e.event.sku, e.event.on_hand, e.timestamp.isoformat()),
        )

    def _move(self, tx: Transaction, e: Envelope[Event], lines: tuple[Line, ...], on_hand: int, reserved: int) -> None:
        """Add `on_hand` and `reserved` times each line's quantity to its SKU's row."""
        tx.executemany(
            "UPDATE warehouse_stock SET on_hand = on_hand + ?, reserved = reserved + ?, updated_at = ? WHERE sku = ?",
            [
                (on_hand * line["quantity"], reserved * line["quantity"], e.timestamp.isoformat(), line["sku"])
                for line in lines
            ],
        )

    @on(StockReserved)
    def _reserved(self, tx: Transaction, e: Envelope[StockReserved]) -> None:
        self._move(tx, e, e.event.lines, on_hand=0, reserved=1)

    @on(StockReleased)
    def _released(self, tx: Transaction, e: Envelope[StockReleased]) -> None:
        self._move(tx, e, e.event.lines, on_hand=0, reserved=-1)

    @on(StockShipped)
    def _shipped(self, tx: Transaction, e: Envelope[StockShipped]) -> None:
        self._move(tx, e, e.event.lines, on_hand=-1, reserved=-1)
