"""The Order aggregate: what a customer bought, and how far it got.

placed -> confirmed -> paid -> shipped          (the warehouse reserved the stock)
placed -> rejected                              (the warehouse could not: a SKU is short)
placed -> cancelling -> cancelled               (cancelled before the warehouse answered)
confirmed | paid -> cancelled                   (the reservation is released)

The warehouse's answers (`stock_reserved`, `stock_unavailable`) are accepted in any state: an answer the
order no longer waits for changes nothing, so a repeated or late message is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum

from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_ORDER_TOTAL, MAX_PRICE_AMOUNT
from martello.modules.order.domain.errors import (
    DuplicateLine,
    EmptyOrder,
    MixedCurrencies,
    OrderNotCancellable,
    OrderNotConfirmed,
    OrderNotPaid,
    TotalTooLarge,
)
from martello.modules.order.domain.events import (
    OrderCancellationRequested,
    OrderCancelled,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
)
from martello.modules.order.domain.values import OrderLine, Shortage


class Status(StrEnum):
    PLACED = "placed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"


HOLDS_STOCK = frozenset({Status.CONFIRMED, Status.PAID})

StatusChange = OrderConfirmed | OrderShipped | OrderCancellationRequested | OrderCancelled
STATUS_AFTER: dict[type[StatusChange], Status] = {
    OrderConfirmed: Status.CONFIRMED,
    OrderShipped: Status.SHIPPED,
    OrderCancellationRequested: Status.CANCELLING,
    OrderCancelled: Status.CANCELLED,
}
"""The status the events that change nothing but the status leave an order in (the aggregate and the orders view
both follow it)."""


class Order(Aggregate):
    stream_type = "order"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.user_id = ""
        self.cart_id = ""
        self.lines: tuple[OrderLine, ...] = ()
        self.total_amount = 0
        self.currency = ""
        self.status = Status.PLACED
        self.reason = ""
        self.short_skus: tuple[str, ...] = ()
        self.paid_at: str | None = None

    # -- behaviour -------------------------------------------------------------------------------

    @classmethod
    def place(cls, id: str, user_id: str, cart_id: str, lines: Sequence[OrderLine]) -> Order:
        """A new order for what a cart held; the total is the sum of its lines, at most MAX_ORDER_TOTAL."""
        if not lines:
            raise EmptyOrder()
        currencies = {line.currency for line in lines}
        if len(currencies) > 1:
            raise MixedCurrencies(currencies)
        seen: set[str] = set()
        for line in lines:
            if line.sku in seen:
                raise DuplicateLine(line.sku)
            if line.price_amount > MAX_PRICE_AMOUNT:  # checked here, not in OrderLine: past orders still load
                raise InvalidValue("price_amount", f"the price of {line.sku} is above {MAX_PRICE_AMOUNT}")
            seen.add(line.sku)
        total = sum(line.amount for line in lines)
        if total > MAX_ORDER_TOTAL:
            raise TotalTooLarge(total, MAX_ORDER_TOTAL)
        order = cls(id)
        order.record(
            OrderPlaced(
                order_id=id,
                user_id=user_id,
                cart_id=cart_id,
                lines=tuple(line.to_data() for line in lines),
                total_amount=total,
                currency=lines[0].currency,
            )
        )
        return order

    def stock_reserved(self) -> None:
        """The warehouse set every line aside."""
        if self.status == Status.PLACED:
            self.record(OrderConfirmed(order_id=self.id))
        elif self.status == Status.CANCELLING:
            self.record(OrderCancelled(order_id=self.id, release_stock=True))

    def stock_unavailable(self, shortages: Sequence[Shortage]) -> None:
        """The warehouse reserved nothing: the SKUs in `shortages` are short."""
        if self.status == Status.PLACED:
            short = tuple(s.sku for s in shortages)
            reason = "not enough stock: " + (", ".join(s.describe() for s in shortages) or "unknown SKU")
            self.record(OrderRejected(order_id=self.id, reason=reason, short_skus=short))
        elif self.status == Status.CANCELLING:
            self.record(OrderCancelled(order_id=self.id, release_stock=False))

    def pay(self, now: datetime) -> None:
        """Take the (simulated) payment of a confirmed order."""
        if self.status != Status.CONFIRMED:
            raise OrderNotConfirmed(self.id, self.status.value)
        paid_at = now.astimezone(UTC).isoformat()
        self.record(OrderPaid(order_id=self.id, amount=self.total_amount, currency=self.currency, paid_at=paid_at))

    def ship(self) -> None:
        if self.status != Status.PAID:
            raise OrderNotPaid(self.id, self.status.value)
        self.record(OrderShipped(order_id=self.id))

    def cancel(self) -> None:
        """Cancel before shipping. A paid order is refunded (simulated) and its reservation released."""
        if self.status in HOLDS_STOCK:
            self.record(OrderCancelled(order_id=self.id, release_stock=True))
        elif self.status == Status.PLACED:
            self.record(OrderCancellationRequested(order_id=self.id))
        else:
            raise OrderNotCancellable(self.id, self.status.value)

    # -- state -----------------------------------------------------------------------------------

    @applies(OrderPlaced)
    def _placed(self, event: OrderPlaced) -> None:
        self.user_id, self.cart_id = event.user_id, event.cart_id
        self.lines = tuple(OrderLine.from_data(line) for line in event.lines)
        self.total_amount, self.currency = event.total_amount, event.currency
        self.status = Status.PLACED

    @applies(*STATUS_AFTER)
    def _status_changed(self, event: StatusChange) -> None:
        self.status = STATUS_AFTER[type(event)]

    @applies(OrderRejected)
    def _rejected(self, event: OrderRejected) -> None:
        self.status = Status.REJECTED
        self.reason, self.short_skus = event.reason, event.short_skus

    @applies(OrderPaid)
    def _paid(self, event: OrderPaid) -> None:
        self.status = Status.PAID
        self.paid_at = event.paid_at
