"""The cart's refusals name the product or cart they concern, and its values say what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from martello.kernel.errors import InvalidValue, MartelloError
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.domain.errors import (
    CartEmpty,
    CartHasUnsellableItems,
    ItemNotInCart,
    MixedCurrencies,
    NoOpenCart,
    ProductNotSellable,
)
from martello.modules.cart.domain.events import CartAbandoned, CartCheckedOut, ItemQuantityChanged
from martello.modules.cart.domain.values import MAX_QUANTITY, Offer, Quantity, Sku
from tests.cart.test_cart_domain import CAP, CAPS, HAT, HATS, OPENED, TODAY, USER, add, given
from tests.given_when_then import then

LATER = Offer("LATER", "Later", 100, "EUR", release=date(2031, 1, 1))
DOLLAR_CAP = Offer("CAP", "Cap", 600, "USD")


def refusal(action: Callable[[], object], kind: type[MartelloError]) -> MartelloError:
    with pytest.raises(kind) as refused:
        action()
    return refused.value


def test_a_fresh_users_carts_hold_nothing() -> None:
    cart = Cart(USER)
    assert (cart.user_id, cart.cart_id, cart.is_open, cart.lines) == (USER, None, False, {})


def test_a_product_not_sold_or_not_yet_on_sale_is_refused_naming_it() -> None:
    cart = given()
    unknown = refusal(lambda: add(cart, None, sku="GHOST"), ProductNotSellable)
    assert (unknown.message, unknown.details) == ("product GHOST is not sold", {"sku": "GHOST"})
    early = refusal(lambda: add(cart, LATER), ProductNotSellable)
    assert (early.message, early.details) == ("product LATER is not on sale on 2030-06-15", {"sku": "LATER"})
    then(cart)


def test_a_cart_holds_at_most_999_of_a_product() -> None:
    cart = given(OPENED, HATS)
    add(cart, HAT, MAX_QUANTITY - 2)
    then(cart, ItemQuantityChanged(cart_id="c-1", sku="HAT", quantity=MAX_QUANTITY))
    full = given(OPENED, HATS)
    too_many = refusal(lambda: add(full, HAT, MAX_QUANTITY - 1), InvalidValue)
    assert (too_many.field, too_many.message) == ("quantity", "a cart holds at most 999 of one product")  # type: ignore[attr-defined]
    then(full)


def test_a_closed_carts_lines_do_not_count_towards_the_next_cart() -> None:
    cart = given(OPENED, HATS, CartAbandoned(cart_id="c-1", user_id=USER))
    add(cart, HAT, MAX_QUANTITY, cart_id="c-2")
    assert cart.lines == {"HAT": MAX_QUANTITY} and cart.cart_id == "c-2"


def test_refusals_to_check_out_name_the_user_or_the_cart() -> None:
    empty = refusal(lambda: given().check_out({}, TODAY), CartEmpty)
    assert empty.details == {"user_id": USER}
    emptied = refusal(lambda: given(OPENED).check_out({}, TODAY), CartEmpty)
    assert emptied.details == {"user_id": USER}
    full = given(OPENED, HATS, CAPS)
    gone = refusal(lambda: full.check_out({"HAT": HAT, "CAP": None}, TODAY), CartHasUnsellableItems)
    assert gone.details == {"cart_id": "c-1", "skus": ["CAP"]}
    mixed = refusal(
        lambda: given(OPENED, HATS, CAPS).check_out({"HAT": HAT, "CAP": DOLLAR_CAP}, TODAY), MixedCurrencies
    )
    assert mixed.details == {"cart_id": "c-1", "currencies": ["EUR", "USD"]}


def test_checking_out_buys_every_line_at_the_current_price() -> None:
    cart = given(OPENED, HATS, CAPS)
    cart.check_out({"HAT": HAT, "CAP": CAP}, TODAY)
    then(
        cart,
        CartCheckedOut(
            cart_id="c-1", user_id=USER,
            lines=(
                {"sku": "HAT", "name": "Hat", "quantity": 2, "price_amount": 1999, "currency": "EUR"},
                {"sku": "CAP", "name": "Cap", "quantity": 1, "price_amount": 500, "currency": "EUR"},
            ),
            total_amount=2 * 1999 + 500, currency="EUR",
        ),
    )  # fmt: skip
    assert (cart.is_open, cart.cart_id) == (False, "c-1")


def test_refusals_on_a_cart_without_the_product_name_the_user_or_product() -> None:
    none_open = refusal(lambda: given().abandon(), NoOpenCart)
    assert none_open.details == {"user_id": USER}
    missing = refusal(lambda: given(OPENED, HATS).remove_item(Sku("CAP")), ItemNotInCart)
    assert missing.details == {"sku": "CAP"}
    abandoned = given(OPENED, HATS, CartAbandoned(cart_id="c-1", user_id=USER))
    closed = refusal(lambda: abandoned.change_quantity(Sku("HAT"), Quantity(1)), ItemNotInCart)
    assert closed.details == {"sku": "HAT"}


def test_a_snapshot_keeps_the_version_and_the_open_cart() -> None:
    cart = given(OPENED, HATS)
    restored = Cart.from_snapshot(USER, cart.version, cart.snapshot_state())
    assert (restored.id, restored.version, restored.cart_id, restored.is_open, restored.lines) == (
        USER, 2, "c-1", True, {"HAT": 2}
    )  # fmt: skip


SKU_RULE = "a SKU is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
QUANTITY_RULE = "a quantity is a whole number from 1 to 999"


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (lambda: Sku(""), "sku", SKU_RULE),
        (lambda: Sku("A" * 65), "sku", SKU_RULE),
        (lambda: Sku(None), "sku", SKU_RULE),
        (lambda: Quantity(0), "quantity", QUANTITY_RULE),
        (lambda: Quantity(MAX_QUANTITY + 1), "quantity", QUANTITY_RULE),
        (lambda: Quantity(True), "quantity", QUANTITY_RULE),
        (lambda: Quantity(1.0), "quantity", QUANTITY_RULE),
    ],
)
def test_a_refused_value_names_its_field_and_says_why(make: Callable[[], object], field: str, message: str) -> None:
    error = refusal(make, InvalidValue)
    assert (error.field, error.message) == (field, message)  # type: ignore[attr-defined]


def test_values_at_their_limits_are_accepted() -> None:
    assert str(Sku("A" * 64)) == "A" * 64
    assert (Quantity(1).value, Quantity(MAX_QUANTITY).value) == (1, 999)
