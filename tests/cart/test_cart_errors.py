"""What the cart's rules say when they refuse: a stable code, a message for people, details for programs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import DomainError, MartelloError, NotFound
from martello.modules.cart.domain.errors import (
    CartEmpty,
    CartHasUnsellableItems,
    ItemNotInCart,
    MixedCurrencies,
    NoOpenCart,
    ProductNotSellable,
)
from tests.given_when_then import then_names_its_rule

REFUSALS = [
    (
        lambda: ProductNotSellable("HAT", "is not on sale on 2026-01-01"),
        DomainError, "product-not-sellable", "product HAT is not on sale on 2026-01-01", {"sku": "HAT"},
    ),
    (
        lambda: CartHasUnsellableItems("c-1", ["HAT", "CAP"]),
        DomainError, "cart-has-unsellable-items",
        "remove what can no longer be sold before checking out: HAT, CAP", {"cart_id": "c-1", "skus": ["HAT", "CAP"]},
    ),
    (
        lambda: MixedCurrencies("c-1", ["EUR", "USD"]),
        DomainError, "cart-mixed-currencies", "one checkout is paid in one currency, not EUR, USD",
        {"cart_id": "c-1", "currencies": ["EUR", "USD"]},
    ),
    (
        lambda: CartEmpty("u-1"),
        DomainError, "cart-empty", "the cart is empty: add a product before checking out", {"user_id": "u-1"},
    ),
    (lambda: NoOpenCart("u-1"), DomainError, "no-open-cart", "there is no open cart", {"user_id": "u-1"}),
    (lambda: ItemNotInCart("HAT"), NotFound, "item-not-in-cart", "the cart holds no product HAT", {"sku": "HAT"}),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kind", "code", "message", "details"), REFUSALS)
def test_each_refusal_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    then_names_its_rule(make, kind, code, message, details)
