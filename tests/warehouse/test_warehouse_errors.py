"""What the warehouse's rules say when they refuse: a stable code, a message, details for programs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import DomainError, MartelloError
from martello.modules.warehouse.domain.errors import ReservationAlreadyShipped, ReservationNotHeld
from tests.given_when_then import then_names_its_rule

REFUSALS = [
    (
        lambda: ReservationNotHeld("o-1"),
        DomainError, "reservation-not-held", "no stock is reserved for order o-1, so none can be shipped",
        {"order_id": "o-1"},
    ),
    (
        lambda: ReservationAlreadyShipped("o-1"),
        DomainError, "reservation-already-shipped", "the stock of order o-1 has been shipped and cannot be released",
        {"order_id": "o-1"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kind", "code", "message", "details"), REFUSALS)
def test_each_refusal_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    then_names_its_rule(make, kind, code, message, details)
