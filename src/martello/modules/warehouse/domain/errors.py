"""The warehouse's business rules, each a named error."""

from __future__ import annotations

from martello.kernel.errors import DomainError


class ReservationNotHeld(DomainError):
    code = "reservation-not-held"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"no stock is reserved for order {order_id}, so none can be shipped", order_id=order_id)


class ReservationAlreadyShipped(DomainError):
    code = "reservation-already-shipped"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"the stock of order {order_id} has been shipped and cannot be released", order_id=order_id)
