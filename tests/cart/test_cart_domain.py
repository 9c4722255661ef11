"""Cart rules: given past events, when a command, then new events or a named error."""

from __future__ import annotations

import json
from datetime import date

import pytest

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_CART_LINES, MAX_ORDER_TOTAL, MAX_PRICE_AMOUNT
from martello.modules.cart.application.integration import published_events
from martello.modules.cart.contracts import CartAbandoned as PublicCartAbandoned
from martello.modules.cart.contracts import CartCheckedOut as PublicCartCheckedOut
from martello.modules.cart.contracts import CartOpened as PublicCartOpened
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.domain.errors import (
    CartEmpty,
    CartFull,
    CartHasUnsellableItems,
    ItemNotInCart,
    MixedCurrencies,
    NoOpenCart,
    ProductNotSellable,
    TotalTooLarge,
)
from martello.modules.cart.domain.events import (
    CartAbandoned,
    CartCheckedOut,
    CartOpened,
    ItemAdded,
    ItemQuantityChanged,
    ItemRemoved,
)
from martello.modules.cart.domain.values import Offer, Quantity, Sku
from tests.given_when_then import given_events_of, then, then_refused

USER = "u-1"
TODAY = date(2030, 6, 15)
HAT = Offer("HAT", "Hat", 1999, "EUR")
CAP = Offer("CAP", "Cap", 500, "EUR")
OPENED = CartOpened(cart_id="c-1", user_id=USER)
HATS = ItemAdded(cart_id="c-1", sku="HAT", quantity=2)
CAPS = ItemAdded(cart_id="c-1", sku="CAP", quantity=1)


given = given_events_of(Cart, USER)


def add(cart: Cart, offer: Offer | None, quantity: int = 1, sku: str | None = None, cart_id: str = "c-new") -> None:
    sku = sku or (offer.sku if offer else "NOPE")
    cart.add_item(Sku(sku), Quantity(quantity), offer, TODAY, new_cart_id=cart_id)


def test_the_first_product_opens_a_cart() -> None:
    cart = given()
    add(cart, HAT, 2, cart_id="c-1")
    then(cart, OPENED, HATS)
    assert cart.is_open and cart.lines == {"HAT": 2}


def test_adding_a_product_again_adds_to_its_quantity() -> None:
    cart = given(OPENED, HATS)
    add(cart, HAT, 3)
    then(cart, ItemQuantityChanged(cart_id="c-1", sku="HAT", quantity=5))


def test_a_line_holds_one_to_999_units() -> None:
    for quantity in (0, -1, 1000):
        with pytest.raises(InvalidValue) as error:
            Quantity(quantity)
        assert error.value.field == "quantity"
    cart = given(OPENED, HATS)
    with pytest.raises(InvalidValue) as too_many:
        add(cart, HAT, 998)
    assert too_many.value.field == "quantity"
    then(cart)


def test_only_products_on_sale_can_be_added() -> None:
    unknown, early, expired = given(), given(), given()
    with pytest.raises(ProductNotSellable) as error:
        add(unknown, None, sku="GHOST")
    assert error.value.details == {"sku": "GHOST"}
    with pytest.raises(ProductNotSellable):
        add(early, Offer("NEW", "New", 100, "EUR", release=date(2030, 6, 16)))
    with pytest.raises(ProductNotSellable):
        add(expired, Offer("OLD", "Old", 100, "EUR", expiration=date(2030, 6, 14)))
    for cart in (unknown, early, expired):
        then(cart)


def test_a_product_is_on_sale_from_its_release_through_its_expiration_date() -> None:
    window = Offer("W", "Window", 100, "EUR", release=TODAY, expiration=TODAY)
    assert window.on_sale(TODAY)
    assert not window.on_sale(date(2030, 6, 14)) and not window.on_sale(date(2030, 6, 16))


def test_changing_a_quantity() -> None:
    cart = given(OPENED, HATS)
    cart.change_quantity(Sku("HAT"), Quantity(7))
    cart.change_quantity(Sku("HAT"), Quantity(7))  # already 7: nothing more happens
    then(cart, ItemQuantityChanged(cart_id="c-1", sku="HAT", quantity=7))


def test_only_lines_in_the_open_cart_can_change_or_go() -> None:
    for cart in (given(OPENED, HATS), given()):
        with pytest.raises(ItemNotInCart) as error:
            cart.change_quantity(Sku("CAP"), Quantity(1))
        assert error.value.code == "item-not-in-cart"
        with pytest.raises(ItemNotInCart):
            cart.remove_item(Sku("CAP"))


def test_removing_a_line() -> None:
    cart = given(OPENED, HATS, CAPS)
    cart.remove_item(Sku("HAT"))
    then(cart, ItemRemoved(cart_id="c-1", sku="HAT"))
    assert cart.lines == {"CAP": 1}


def test_checking_out_buys_every_line_at_the_current_price_and_closes_the_cart() -> None:
    cart = given(OPENED, HATS, CAPS)
    cheaper_hat = Offer("HAT", "Hat", 1500, "EUR")
    cart.check_out({"HAT": cheaper_hat, "CAP": CAP}, TODAY)
    lines = (
        {"sku": "HAT", "name": "Hat", "quantity": 2, "price_amount": 1500, "currency": "EUR"},
        {"sku": "CAP", "name": "Cap", "quantity": 1, "price_amount": 500, "currency": "EUR"},
    )
    then(cart, CartCheckedOut(cart_id="c-1", user_id=USER, lines=lines, total_amount=3500, currency="EUR"))
    assert not cart.is_open and cart.lines == {}


def test_after_checkout_the_next_product_opens_a_new_cart() -> None:
    done = CartCheckedOut(cart_id="c-1", user_id=USER, lines=(), total_amount=0, currency="EUR")
    cart = given(OPENED, HATS, done)
    add(cart, CAP, cart_id="c-2")
    then(cart, CartOpened(cart_id="c-2", user_id=USER), ItemAdded(cart_id="c-2", sku="CAP", quantity=1))


def test_an_empty_cart_cannot_be_checked_out() -> None:
    for cart in (given(), given(OPENED), given(OPENED, HATS, ItemRemoved(cart_id="c-1", sku="HAT"))):
        then_refused(cart, lambda c: c.check_out({}, TODAY), CartEmpty, code="cart-empty")
        then(cart)


def test_checkout_names_every_line_that_can_no_longer_be_sold() -> None:
    cart = given(OPENED, HATS, CAPS)
    expired_cap = Offer("CAP", "Cap", 500, "EUR", expiration=date(2030, 1, 1))
    refused = then_refused(
        cart, lambda c: c.check_out({"HAT": None, "CAP": expired_cap}, TODAY), CartHasUnsellableItems
    )
    assert refused.details["skus"] == ["HAT", "CAP"]
    then(cart)


def test_one_checkout_is_paid_in_one_currency() -> None:
    cart = given(OPENED, HATS, CAPS)
    then_refused(
        cart, lambda c: c.check_out({"HAT": HAT, "CAP": Offer("CAP", "Cap", 500, "USD")}, TODAY), MixedCurrencies
    )


def test_abandoning_closes_the_open_cart() -> None:
    cart = given(OPENED, HATS)
    cart.abandon()
    then(cart, CartAbandoned(cart_id="c-1", user_id=USER))
    then_refused(cart, Cart.abandon, NoOpenCart)


def test_opening_and_closing_carts_is_public_and_what_happens_inside_is_not() -> None:
    cart = given()
    add(cart, HAT, cart_id="c-1")
    cart.change_quantity(Sku("HAT"), Quantity(2))
    cart.check_out({"HAT": HAT}, TODAY)
    add(cart, CAP, cart_id="c-2")
    cart.abandon()
    line = {"sku": "HAT", "name": "Hat", "quantity": 2, "price_amount": 1999, "currency": "EUR"}
    assert published_events(cart, cart.pending_events) == [
        PublicCartOpened(cart_id="c-1", user_id=USER),
        PublicCartCheckedOut(cart_id="c-1", user_id=USER, lines=(line,), total_amount=3998, currency="EUR"),
        PublicCartOpened(cart_id="c-2", user_id=USER),
        PublicCartAbandoned(cart_id="c-2", user_id=USER),
    ]


def test_a_snapshot_restores_the_same_cart() -> None:
    cart = given(OPENED, HATS, CAPS, ItemQuantityChanged(cart_id="c-1", sku="HAT", quantity=4))
    state = json.loads(json.dumps(cart.snapshot_state()))  # as stored
    restored = Cart.from_snapshot(USER, cart.version, state)
    assert (restored.cart_id, restored.is_open, list(restored.lines.items())) == (
        "c-1",
        True,
        [("HAT", 4), ("CAP", 1)],
    )


def test_a_checkout_above_the_largest_order_total_is_refused_and_records_nothing() -> None:
    gold, platinum = (Offer(sku, sku.title(), MAX_PRICE_AMOUNT, "EUR") for sku in ("GOLD", "PLATINUM"))
    bars = (ItemAdded(cart_id="c-1", sku="GOLD", quantity=999), ItemAdded(cart_id="c-1", sku="PLATINUM", quantity=2))
    cart = given(OPENED, *bars)
    offers = {"GOLD": gold, "PLATINUM": platinum}
    then_refused(cart, lambda c: c.check_out(offers, TODAY), TotalTooLarge, code="total-too-large")
    then(cart)


def test_a_checkout_of_exactly_the_largest_total_is_bought() -> None:
    offer = Offer("GOLD", "Gold bar", MAX_ORDER_TOTAL // 1000, "EUR")
    cart = given(
        OPENED, ItemAdded(cart_id="c-1", sku="GOLD", quantity=999), ItemAdded(cart_id="c-1", sku="G2", quantity=1)
    )
    cart.check_out({"GOLD": offer, "G2": Offer("G2", "Bar", MAX_ORDER_TOTAL // 1000, "EUR")}, TODAY)
    checked_out = cart.pending_events[0]
    assert isinstance(checked_out, CartCheckedOut) and checked_out.total_amount == MAX_ORDER_TOTAL


def test_a_cart_holds_at_most_the_largest_number_of_lines() -> None:
    lines = [ItemAdded(cart_id="c-1", sku=f"SKU-{n}", quantity=1) for n in range(MAX_CART_LINES)]
    cart = given(OPENED, *lines)
    then_refused(cart, lambda c: add(c, HAT), CartFull)
    then(cart)
    add(cart, Offer("SKU-0", "Again", 100, "EUR"))  # more of a product already there is fine
