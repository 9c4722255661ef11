"""Properties of a user's carts, for any sequence of commands."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from martello.kernel.errors import MartelloError
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.domain.events import CartAbandoned, CartCheckedOut, CartOpened
from martello.modules.cart.domain.values import Offer, Quantity, Sku

TODAY = date(2030, 1, 1)
OFFERS = {sku: Offer(sku, sku.title(), price, "EUR") for sku, price in (("A", 100), ("B", 250), ("C", 999))}
skus = st.sampled_from([*OFFERS, "GONE"])
commands = st.one_of(
    st.tuples(st.just("add"), skus, st.integers(1, 600)),
    st.tuples(st.just("change"), skus, st.integers(1, 999)),
    st.tuples(st.just("remove"), skus, st.just(0)),
    st.tuples(st.just("check_out"), skus, st.just(0)),
    st.tuples(st.just("abandon"), skus, st.just(0)),
)


def perform(cart: Cart, command: tuple[str, str, int], n: int) -> None:
    action, sku, quantity = command
    try:
        if action == "add":
            cart.add_item(Sku(sku), Quantity(quantity), OFFERS.get(sku), TODAY, new_cart_id=f"c-{n}")
        elif action == "change":
            cart.change_quantity(Sku(sku), Quantity(quantity))
        elif action == "remove":
            cart.remove_item(Sku(sku))
        elif action == "check_out":
            cart.check_out(OFFERS, TODAY)
        else:
            cart.abandon()
    except MartelloError:
        pass


@settings(max_examples=300)
@given(st.lists(commands, max_size=40))
def test_at_most_one_cart_is_open_and_replay_gives_the_live_state(history: list[tuple[str, str, int]]) -> None:
    cart = Cart("u-1")
    for n, command in enumerate(history):
        perform(cart, command, n)
        assert all(1 <= quantity <= 999 for quantity in cart.lines.values())
        assert set(cart.lines) <= set(OFFERS)
    open_carts: set[str] = set()
    for event in cart.pending_events:
        match event:
            case CartOpened(cart_id=cart_id):
                assert not open_carts, "a second cart opened while one was open"
                open_carts.add(cart_id)
            case CartCheckedOut(cart_id=cart_id, lines=lines, total_amount=total):
                assert lines and total == sum(line["price_amount"] * line["quantity"] for line in lines)
                open_carts.remove(cart_id)
            case CartAbandoned(cart_id=cart_id):
                open_carts.remove(cart_id)
    replayed = Cart.replay("u-1", cart.pending_events)
    assert (replayed.cart_id, replayed.is_open, replayed.lines) == (cart.cart_id, cart.is_open, cart.lines)
