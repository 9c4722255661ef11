"""The order's business rules, each a named error (409 unless it is an invalid value or a missing order)."""

from __future__ import annotations

from martello.kernel.errors import DomainError, NotFound


class UnknownOrder(NotFound):
    """No such order, or not one the caller may see: both answer 404, so ids reveal nothing."""

    code = "unknown-order"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} does not exist", id=order_id)


class EmptyOrder(DomainError):
    code = "order-empty"

    def __init__(self) -> None:
        super().__init__("an order needs at least one line")


class MixedCurrencies(DomainError):
    code = "order-mixed-currencies"

    def __init__(self, currencies: set[str]) -> None:
        super().__init__("all lines of an order must be priced in one currency", currencies=sorted(currencies))


class TotalTooLarge(DomainError):
    """An order may cost at most MAX_ORDER_TOTAL minor units (see martello.kernel.limits)."""

    code = "total-too-large"

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"an order total of {total} exceeds the largest order total of {limit}", limit=limit)


class DuplicateLine(DomainError):
    code = "order-duplicate-line"

    def __init__(self, sku: str) -> None:
        super().__init__(f"the order lists SKU {sku} more than once", sku=sku)


class OrderNotConfirmed(DomainError):
    """Only an order whose stock is reserved can be paid."""

    code = "order-not-confirmed"

    def __init__(self, order_id: str, status: str) -> None:
        super().__init__(f"an order that is {status} cannot be paid", order_id=order_id, status=status)


class OrderNotPaid(DomainError):
    """Only a paid order can be shipped."""

    code = "order-not-paid"

    def __init__(self, order_id: str, status: str) -> None:
        super().__init__(f"an order that is {status} cannot be shipped", order_id=order_id, status=status)


class OrderNotCancellable(DomainError):
    """Shipped, rejected and (being) cancelled orders cannot be cancelled."""

    code = "order-not-cancellable"

    def __init__(self, order_id: str, status: str) -> None:
        super().__init__(f"an order that is {status} cannot be cancelled", order_id=order_id, status=status)
