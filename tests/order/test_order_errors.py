"""What the order's rules say when they refuse: a stable code, a message for people, details for programs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import DomainError, MartelloError, NotFound
from martello.modules.order.domain.errors import (
    DuplicateLine,
    EmptyOrder,
    MixedCurrencies,
    OrderNotCancellable,
    OrderNotConfirmed,
    OrderNotPaid,
    UnknownOrder,
)
from tests.given_when_then import then_names_its_rule

REFUSALS = [
    (lambda: UnknownOrder("o-1"), NotFound, "unknown-order", "order o-1 does not exist", {"id": "o-1"}),
    (lambda: EmptyOrder(), DomainError, "order-empty", "an order needs at least one line", {}),
    (
        lambda: MixedCurrencies({"USD", "EUR"}),
        DomainError, "order-mixed-currencies", "all lines of an order must be priced in one currency",
        {"currencies": ["EUR", "USD"]},
    ),
    (
        lambda: DuplicateLine("HAT"),
        DomainError, "order-duplicate-line", "the order lists SKU HAT more than once", {"sku": "HAT"},
    ),
    (
        lambda: OrderNotConfirmed("o-1", "placed"),
        DomainError, "order-not-confirmed", "an order that is placed cannot be paid",
        {"order_id": "o-1", "status": "placed"},
    ),
    (
        lambda: OrderNotPaid("o-1", "confirmed"),
        DomainError, "order-not-paid", "an order that is confirmed cannot be shipped",
        {"order_id": "o-1", "status": "confirmed"},
    ),
    (
        lambda: OrderNotCancellable("o-1", "shipped"),
        DomainError, "order-not-cancellable", "an order that is shipped cannot be cancelled",
        {"order_id": "o-1", "status": "shipped"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kind", "code", "message", "details"), REFUSALS)
def test_each_refusal_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    then_names_its_rule(make, kind, code, message, details)
