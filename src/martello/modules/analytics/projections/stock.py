"""Stock movements per SKU: units received, reserved for orders, released again and shipped."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on
from martello.modules.warehouse.contracts import Line, StockReceived, StockReleased, StockReserved, StockShipped

MOVEMENTS = ("received", "reserved", "released", "shipped")


class StockMovementsProjection(Projection):
    name = "analytics.stock"
    tables = ("analytics_stock",)
    schema = (
        """CREATE TABLE IF NOT EXISTS analytics_stock (
            sku TEXT PRIMARY KEY,
            received INTEGER NOT NULL DEFAULT 0,
            reserved INTEGER NOT NULL DEFAULT 0,
            released INTEGER NOT NULL DEFAULT 0,
            shipped INTEGER NOT NULL DEFAULT 0
        )""",
    )

    def _moved(self, tx: Transaction, movement: str, lines: tuple[Line, ...]) -> None:
        assert movement in MOVEMENTS
        tx.executemany(
            f"INSERT INTO analytics_stock (sku, {movement}) VALUES (?, ?)"
            f" ON CONFLICT (sku) DO UPDATE SET {movement} = analytics_stock.{movement} + excluded.{movement}",
            [(line["sku"], line["quantity"]) for line in lines],
        )

    @on(StockReceived)
    def _received(self, tx: Transaction, e: Envelope[StockReceived]) -> None:
        self._moved(tx, "received", ({"sku": e.event.sku, "quantity": e.event.quantity},))

    @on(StockReserved)
    def _reserved(self, tx: Transaction, e: Envelope[StockReserved]) -> None:
        self._moved(tx, "reserved", e.event.lines)

    @on(StockReleased)
    def _released(self, tx: Transaction, e: Envelope[StockReleased]) -> None:
        self._moved(tx, "released", e.event.lines)

    @on(StockShipped)
    def _shipped(self, tx: Transaction, e: Envelope[StockShipped]) -> None:
        self._moved(tx, "shipped", e.event.lines)
