"""The aggregate, events and read model Martello's side of the benchmark uses (public kernel API only)."""

from __future__ import annotations

from typing import Any, Self

from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.errors import InvalidValue
from martello.kernel.events import Event, event
from martello.kernel.projection import Projection, on


@event("bench.BasketOpened")
class BasketOpened(Event):
    sku: str
    quantity: int
    price_cents: int


@event("bench.ItemAdded")
class ItemAdded(Event):
    sku: str
    quantity: int
    price_cents: int


class Basket(Aggregate):
    stream_type = "basket"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.lines = 0
        self.units = 0
        self.total_cents = 0

    @classmethod
    def open(cls, id: str, sku: str, quantity: int, price_cents: int) -> Self:
        basket = cls(id)
        basket.record(BasketOpened(sku=sku, quantity=quantity, price_cents=price_cents))
        return basket

    def add(self, sku: str, quantity: int, price_cents: int) -> None:
        if quantity <= 0:
            raise InvalidValue("quantity", "must be positive")
        self.record(ItemAdded(sku=sku, quantity=quantity, price_cents=price_cents))

    @applies(BasketOpened)
    def _opened(self, e: BasketOpened) -> None:
        self._count(e.quantity, e.price_cents)

    @applies(ItemAdded)
    def _added(self, e: ItemAdded) -> None:
        self._count(e.quantity, e.price_cents)

    def _count(self, quantity: int, price_cents: int) -> None:
        self.lines += 1
        self.units += quantity
        self.total_cents += quantity * price_cents

    def snapshot_state(self) -> dict[str, Any]:
        return {"lines": self.lines, "units": self.units, "total_cents": self.total_cents}

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        basket = cls(id)
        basket.version = version
        basket.lines, basket.units, basket.total_cents = state["lines"], state["units"], state["total_cents"]
        return basket


UPSERT_SALES = (
    "INSERT INTO bench_sales (sku, units, revenue_cents) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE"
    " SET units = bench_sales.units + excluded.units,"
    " revenue_cents = bench_sales.revenue_cents + excluded.revenue_cents"
)


class SalesProjection(Projection):
    """Units and revenue per SKU: one upsert per event."""

    name = "bench.sales"
    tables = ("bench_sales",)
    schema = (
        "CREATE TABLE IF NOT EXISTS bench_sales (sku TEXT PRIMARY KEY, units INTEGER NOT NULL,"
        " revenue_cents INTEGER NOT NULL)",
    )

    @on(BasketOpened)
    def _opened(self, tx: Transaction, e: Envelope[BasketOpened]) -> None:
        tx.execute(UPSERT_SALES, (e.event.sku, e.event.quantity, e.event.quantity * e.event.price_cents))

    @on(ItemAdded)
    def _added(self, tx: Transaction, e: Envelope[ItemAdded]) -> None:
        tx.execute(UPSERT_SALES, (e.event.sku, e.event.quantity, e.event.quantity * e.event.price_cents))
