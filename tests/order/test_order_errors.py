"""What the order's rules say when they refuse: a stable code, a message for people, details for programs."""

from __future__ import annotations

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

REFUSALS = [
    (UnknownOrder("o-1"), NotFound, "unknown-order", "order o-1 does not exist", {"id": "o-1"}),
    (EmptyOrder(), DomainError, "order-empty", "an order needs at least one line", {}),
    (
        MixedCurrencies({"USD", "EUR"}),
        DomainError, "order-mixed-currencies", "all lines of an order must be priced in one currency",
        {"currencies": ["EUR", "USD"]},
    ),
    (
        DuplicateLine("HAT"),
        DomainError, "order-duplicate-line", "the order lists SKU HAT more than once", {"sku": "HAT"},
    ),
    (
        OrderNotConfirmed("o-1", "placed"),
        DomainError, "order-not-confirmed", "an order that is placed cannot be paid",
        {"order_id": "o-1", "status": "placed"},
    ),
    (
        OrderNotPaid("o-1", "confirmed"),
        DomainError, "order-not-paid", "an order that is confirmed cannot be shipped",
        {"order_id": "o-1", "status": "confirmed"},
    ),
    (
        OrderNotCancellable("o-1", "shipped"),
        DomainError, "order-not-cancellable", "an order that is shipped cannot be cancelled",
        {"order_id": "o-1", "status": "shipped"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("error", "kind", "code", "message", "details"), REFUSALS, ids=lambda v: type(v).__name__)
def test_each_refusal_names_its_rule(
    error: MartelloError, kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    assert isinstance(error, kind)
    assert (error.code, str(error), error.message, error.details) == (code, message, message, details)
