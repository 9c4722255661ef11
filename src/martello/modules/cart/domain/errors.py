"""The cart's business rules, each a named error."""

from __future__ import annotations

from collections.abc import Sequence

from martello.kernel.errors import DomainError, NotFound


class ProductNotSellable(DomainError):
    code = "product-not-sellable"

    def __init__(self, sku: str, reason: str) -> None:
        super().__init__(f"product {sku} {reason}", sku=sku)


class CartHasUnsellableItems(DomainError):
    code = "cart-has-unsellable-items"

    def __init__(self, cart_id: str, skus: Sequence[str]) -> None:
        listed = ", ".join(skus)
        super().__init__(f"remove what can no longer be sold before checking out: {listed}", cart_id=cart_id, skus=skus)


class MixedCurrencies(DomainError):
    code = "cart-mixed-currencies"

    def __init__(self, cart_id: str, currencies: Sequence[str]) -> None:
        listed = ", ".join(currencies)
        super().__init__(f"one checkout is paid in one currency, not {listed}", cart_id=cart_id, currencies=currencies)


class CartFull(DomainError):
    code = "cart-full"

    def __init__(self, cart_id: str, limit: int) -> None:
        super().__init__(f"a cart holds at most {limit} different products", cart_id=cart_id, limit=limit)


class TotalTooLarge(DomainError):
    """A checkout whose total would exceed what one order may cost (see martello.kernel.limits)."""

    code = "total-too-large"

    def __init__(self, cart_id: str, total: int, limit: int) -> None:
        super().__init__(
            f"the cart's total of {total} minor units exceeds the largest order total of {limit}; "
            "split the purchase into several checkouts",
            cart_id=cart_id,
            limit=limit,
        )


class CartEmpty(DomainError):
    code = "cart-empty"

    def __init__(self, user_id: str) -> None:
        super().__init__("the cart is empty: add a product before checking out", user_id=user_id)


class NoOpenCart(DomainError):
    code = "no-open-cart"

    def __init__(self, user_id: str) -> None:
        super().__init__("there is no open cart", user_id=user_id)


class ItemNotInCart(NotFound):
    code = "item-not-in-cart"

    def __init__(self, sku: str) -> None:
        super().__init__(f"the cart holds no product {sku}", sku=sku)
