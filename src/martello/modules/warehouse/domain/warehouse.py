"""The Warehouse aggregate: all of the shop's stock, reserved for orders all-or-nothing.

Why one aggregate for every SKU, and not one per SKU?
An order reserves several SKUs at once and must get all of them or none. That rule spans SKUs, and an
aggregate is exactly the boundary inside which a rule holds atomically: with every SKU in one aggregate,
`reserve` checks every line and records one event (`StockReserved` or `StockReservationFailed`), which
is appended in one transaction. Nothing is ever half-reserved, no compensation is needed, and a
failed order never briefly holds units that a concurrent order is then refused.

The alternative, one `stock-<sku>` aggregate per SKU driven by a per-order process that reserves SKU by
SKU and releases what it took when one is short, scales writes across SKUs but is a saga: more moving
parts, recovery after a crash mid-way, and no isolation (a failing order holds units for a moment).
Choose it when a single stream's write rate (every receipt and reservation is one append to
`warehouse-main`) becomes the bottleneck; until then, the simple design is the correct one.

The price of the single stream: writes to it are serialised (conflicts are retried), and the state grows
with SKUs and with the orders it has settled (kept so a repeated request for an order changes nothing);
snapshots keep loading it cheap.

Invariants: for every SKU, 0 <= reserved <= on_hand (so `available` = on_hand - reserved is never
negative); `reserved` is the sum of the held reservations; each order is reserved at most once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from martello.kernel.aggregate import Aggregate, applies
from martello.modules.warehouse.domain.errors import ReservationAlreadyShipped, ReservationNotHeld
from martello.modules.warehouse.domain.events import (
    Line,
    StockReceived,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    StockShipped,
)
from martello.modules.warehouse.domain.values import OrderLines, Quantity, Sku, StockLevel, order_id

MAIN = "main"
"""The id of the shop's one warehouse: its stream is `warehouse-main`."""


class Outcome(StrEnum):
    """How an order's reservation ended."""

    FAILED = "failed"
    RELEASED = "released"
    SHIPPED = "shipped"


class Warehouse(Aggregate):
    stream_type = "warehouse"
    snapshot_schema = 1

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.stock: dict[str, StockLevel] = {}
        self.held: dict[str, dict[str, int]] = {}
        """Reservations in force: order id -> quantity per SKU."""
        self.settled: dict[str, Outcome] = {}
        """Orders whose reservation failed, was released or shipped."""

    def level(self, sku: str) -> StockLevel:
        return self.stock.get(sku, StockLevel())

    # -- behaviour -------------------------------------------------------------------------------

    def receive(self, sku: Sku, quantity: Quantity) -> None:
        on_hand = self.level(sku.value).on_hand + quantity.value
        self.record(StockReceived(sku=sku.value, quantity=quantity.value, on_hand=on_hand))

    def reserve(self, order: str, lines: OrderLines) -> None:
        """Set aside every line for the order, or nothing at all and name every short SKU.
        An order already reserved (or refused, released, shipped) is not reserved again."""
        order = order_id(order)
        if order in self.held or order in self.settled:
            return
        shortages = [
            {"sku": sku, "requested": quantity, "available": self.level(sku).available}
            for sku, quantity in lines.quantities
            if quantity > self.level(sku).available
        ]
        if shortages:
            self.record(StockReservationFailed(order_id=order, shortages=tuple(shortages)))
        else:
            self.record(StockReserved(order_id=order, lines=lines.as_data()))

    def release(self, order: str) -> None:
        """Give back what the order holds; an order holding nothing has nothing to give back."""
        if order in self.held:
            self.record(StockReleased(order_id=order, lines=self._held_lines(order)))
        elif self.settled.get(order) is Outcome.SHIPPED:
            raise ReservationAlreadyShipped(order)

    def ship(self, order: str) -> None:
        """The order's reserved units leave the building: they are no longer on hand."""
        if order in self.held:
            self.record(StockShipped(order_id=order, lines=self._held_lines(order)))
        elif self.settled.get(order) is not Outcome.SHIPPED:
            raise ReservationNotHeld(order)

    def _held_lines(self, order: str) -> tuple[Line, ...]:
        return tuple({"sku": sku, "quantity": quantity} for sku, quantity in self.held[order].items())

    # -- state changes ---------------------------------------------------------------------------

    def _change(self, sku: str, on_hand: int = 0, reserved: int = 0) -> None:
        level = self.level(sku)
        self.stock[sku] = StockLevel(level.on_hand + on_hand, level.reserved + reserved)

    @applies(StockReceived)
    def _received(self, event: StockReceived) -> None:
        self._change(event.sku, on_hand=event.quantity)

    @applies(StockReserved)
    def _reserved(self, event: StockReserved) -> None:
        self.held[event.order_id] = {line["sku"]: line["quantity"] for line in event.lines}
        for line in event.lines:
            self._change(line["sku"], reserved=line["quantity"])

    @applies(StockReservationFailed)
    def _reservation_failed(self, event: StockReservationFailed) -> None:
        self.settled[event.order_id] = Outcome.FAILED

    @applies(StockReleased)
    def _released(self, event: StockReleased) -> None:
        del self.held[event.order_id]
        self.settled[event.order_id] = Outcome.RELEASED
        for line in event.lines:
            self._change(line["sku"], reserved=-line["quantity"])

    @applies(StockShipped)
    def _shipped(self, event: StockShipped) -> None:
        del self.held[event.order_id]
        self.settled[event.order_id] = Outcome.SHIPPED
        for line in event.lines:
            self._change(line["sku"], on_hand=-line["quantity"], reserved=-line["quantity"])

    # -- snapshots -------------------------------------------------------------------------------

    def snapshot_state(self) -> dict[str, Any]:
        return {
            "stock": {sku: [level.on_hand, level.reserved] for sku, level in self.stock.items()},
            "held": {order: dict(lines) for order, lines in self.held.items()},
            "settled": {order: outcome.value for order, outcome in self.settled.items()},
        }

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        warehouse = cls(id)
        warehouse.version = version
        warehouse.stock = {sku: StockLevel(on_hand, reserved) for sku, (on_hand, reserved) in state["stock"].items()}
        warehouse.held = {order: dict(lines) for order, lines in state["held"].items()}
        warehouse.settled = {order: Outcome(outcome) for order, outcome in state["settled"].items()}
        return warehouse
