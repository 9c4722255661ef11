"""The Order aggregate's rules, given/when/then: given past events, when a behaviour runs, then these events
(or this named error). No I/O."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from martello.kernel.errors import DomainError, InvalidValue
from martello.kernel.events import Event
from martello.kernel.limits import MAX_ORDER_TOTAL, MAX_PRICE_AMOUNT
from martello.modules.order.domain.errors import (
    DuplicateLine,
    EmptyOrder,
    MixedCurrencies,
    OrderNotCancellable,
    OrderNotConfirmed,
    OrderNotPaid,
    TotalTooLarge,
)
from martello.modules.order.domain.events import (
    OrderCancellationRequested,
    OrderCancelled,
    OrderConfirmed,
    OrderPaid,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
)
from martello.modules.order.domain.order import Order, Status
from martello.modules.order.domain.values import OrderLine, Shortage
from tests.given_when_then import given_events_of, then_refused, when

ID = "order-1"
NOW = datetime(2030, 5, 17, 10, 30, tzinfo=UTC)
LINES = (OrderLine("SKU-1", "Kettle", 2, 1999, "EUR"), OrderLine("SKU-2", "Mug", 1, 500, "EUR"))
PLACED = OrderPlaced(
    order_id=ID,
    user_id="u-1",
    cart_id="cart-1",
    lines=tuple(line.to_data() for line in LINES),
    total_amount=4498,
    currency="EUR",
)
CONFIRMED = OrderConfirmed(order_id=ID)
PAID = OrderPaid(order_id=ID, amount=4498, currency="EUR", paid_at=NOW.isoformat())
SHORT = (Shortage("SKU-1", requested=2, available=1),)


given = given_events_of(Order, ID)


# -- placing ---------------------------------------------------------------------------------------


def test_placing_an_order_records_its_lines_and_total() -> None:
    order = Order.place(ID, "u-1", "cart-1", LINES)
    assert (order.id, order.stream_id) == (ID, "order-order-1")
    assert order.pending_events == [PLACED]
    assert order.status == Status.PLACED
    assert order.total_amount == 4498


def test_an_order_above_the_largest_total_is_refused() -> None:
    dear = (
        OrderLine("GOLD", "Gold", 999, MAX_PRICE_AMOUNT, "EUR"),
        OrderLine("PT", "Platinum", 2, MAX_PRICE_AMOUNT, "EUR"),
    )
    with pytest.raises(TotalTooLarge) as refused:
        Order.place(ID, "u-1", "cart-1", dear)
    assert refused.value.details["limit"] == MAX_ORDER_TOTAL


def test_a_new_order_with_a_line_priced_above_the_largest_price_is_invalid() -> None:
    with pytest.raises(InvalidValue) as refused:
        Order.place(ID, "u-1", "cart-1", (OrderLine("GOLD", "Gold", 1, MAX_PRICE_AMOUNT + 1, "EUR"),))
    assert refused.value.field == "price_amount"


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ((), EmptyOrder),
        ((LINES[0], OrderLine("SKU-3", "Pot", 1, 100, "USD")), MixedCurrencies),
        ((LINES[0], LINES[0]), DuplicateLine),
    ],
)
def test_an_order_needs_lines_in_one_currency_each_sku_once(lines: tuple[OrderLine, ...], error: type) -> None:
    with pytest.raises(error):
        Order.place(ID, "u-1", "cart-1", lines)


@pytest.mark.parametrize(
    ("quantity", "price", "currency", "field"),
    [(0, 100, "EUR", "quantity"), (1, 0, "EUR", "price_amount"), (1, 100, "euro", "currency")],
)
def test_a_line_refuses_nonsense(quantity: int, price: int, currency: str, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        OrderLine("SKU-1", "Kettle", quantity, price, currency)
    assert refused.value.field == field


@for_all(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 100_000)), min_size=1, max_size=10))
def test_the_total_is_the_sum_of_the_lines(lines: list[tuple[int, int]]) -> None:
    order_lines = [OrderLine(f"SKU-{i}", "", q, p, "EUR") for i, (q, p) in enumerate(lines)]
    order = Order.place(ID, "u-1", "cart-1", order_lines)
    assert order.total_amount == sum(q * p for q, p in lines)


# -- the warehouse answers -------------------------------------------------------------------------


def test_reserved_stock_confirms_a_placed_order() -> None:
    assert when(given(PLACED), Order.stock_reserved) == [CONFIRMED]


def test_a_shortage_rejects_the_order_naming_the_short_sku() -> None:
    events = when(given(PLACED), lambda o: o.stock_unavailable(SHORT))
    assert events == [
        OrderRejected(order_id=ID, reason="not enough stock: SKU-1 (requested 2, available 1)", short_skus=("SKU-1",))
    ]


@pytest.mark.parametrize(
    "history",
    [
        (PLACED, CONFIRMED),
        (PLACED, OrderRejected(order_id=ID, reason="short", short_skus=("SKU-1",))),
        (PLACED, CONFIRMED, PAID),
        (PLACED, CONFIRMED, OrderCancelled(order_id=ID, release_stock=True)),
    ],
)
def test_an_answer_the_order_no_longer_waits_for_changes_nothing(history: tuple[Event, ...]) -> None:
    assert when(given(*history), Order.stock_reserved) == []
    assert when(given(*history), lambda o: o.stock_unavailable(SHORT)) == []


def test_an_order_cancelled_while_waiting_is_cancelled_when_the_warehouse_answers() -> None:
    waiting = (PLACED, OrderCancellationRequested(order_id=ID))
    assert when(given(*waiting), Order.stock_reserved) == [OrderCancelled(order_id=ID, release_stock=True)]
    assert when(given(*waiting), lambda o: o.stock_unavailable(SHORT)) == [
        OrderCancelled(order_id=ID, release_stock=False)
    ]


# -- pay, ship, cancel -----------------------------------------------------------------------------


def test_a_confirmed_order_can_be_paid() -> None:
    order = given(PLACED, CONFIRMED)
    assert when(order, lambda o: o.pay(NOW)) == [PAID]
    assert order.status == Status.PAID


@pytest.mark.parametrize("history", [(PLACED,), (PLACED, CONFIRMED, PAID)])
def test_only_a_confirmed_order_can_be_paid(history: tuple[Event, ...]) -> None:
    then_refused(given(*history), lambda o: o.pay(NOW), OrderNotConfirmed, code="order-not-confirmed")


def test_a_paid_order_can_be_shipped_and_an_unpaid_one_cannot() -> None:
    assert when(given(PLACED, CONFIRMED, PAID), Order.ship) == [OrderShipped(order_id=ID)]
    then_refused(given(PLACED, CONFIRMED), Order.ship, OrderNotPaid)


@pytest.mark.parametrize("history", [(PLACED, CONFIRMED), (PLACED, CONFIRMED, PAID)])
def test_cancelling_an_order_holding_stock_releases_it(history: tuple[Event, ...]) -> None:
    assert when(given(*history), Order.cancel) == [OrderCancelled(order_id=ID, release_stock=True)]


def test_cancelling_before_the_warehouse_answered_waits_for_its_answer() -> None:
    order = given(PLACED)
    assert when(order, Order.cancel) == [OrderCancellationRequested(order_id=ID)]
    assert order.status == Status.CANCELLING


@pytest.mark.parametrize(
    "history",
    [
        (PLACED, CONFIRMED, PAID, OrderShipped(order_id=ID)),
        (PLACED, OrderRejected(order_id=ID, reason="short", short_skus=("SKU-1",))),
        (PLACED, OrderCancellationRequested(order_id=ID)),
        (PLACED, CONFIRMED, OrderCancelled(order_id=ID, release_stock=True)),
    ],
)
def test_shipped_rejected_and_cancelled_orders_cannot_be_cancelled(history: tuple[Event, ...]) -> None:
    refused = then_refused(given(*history), Order.cancel, OrderNotCancellable, code="order-not-cancellable")
    assert isinstance(refused, DomainError)


@for_all(st.lists(st.sampled_from(["reserved", "short", "pay", "ship", "cancel"]), max_size=12))
def test_whatever_happens_the_state_is_the_fold_of_the_recorded_events(steps: list[str]) -> None:
    order = Order.place(ID, "u-1", "cart-1", LINES)
    actions: dict[str, Callable[[Order], None]] = {
        "reserved": Order.stock_reserved,
        "short": lambda o: o.stock_unavailable(SHORT),
        "pay": lambda o: o.pay(NOW),
        "ship": Order.ship,
        "cancel": Order.cancel,
    }
    for step in steps:
        with contextlib.suppress(DomainError):
            actions[step](order)
    replayed = Order.replay(ID, order.pending_events)
    assert replayed.status == order.status
    assert replayed.version == len(order.pending_events)
    shipped_then_more = [type(e) for e in order.pending_events]
    if OrderShipped in shipped_then_more:
        assert shipped_then_more[-1] is OrderShipped  # nothing happens to an order after it shipped


# -- the whole state, values and refusals' details ----------------------------------------------------


def test_a_placed_order_remembers_who_bought_what_from_which_cart() -> None:
    fresh = Order(ID)
    assert (fresh.user_id, fresh.cart_id, fresh.lines, fresh.total_amount, fresh.currency) == ("", "", (), 0, "")
    assert (fresh.status, fresh.reason, fresh.short_skus, fresh.paid_at) == (Status.PLACED, "", (), None)
    order = given(PLACED)
    assert (order.user_id, order.cart_id, order.lines, order.total_amount, order.currency) == (
        "u-1", "cart-1", LINES, 4498, "EUR"
    )  # fmt: skip
    rejected = given(PLACED, OrderRejected(order_id=ID, reason="short", short_skus=("SKU-1",)))
    assert (rejected.status, rejected.reason, rejected.short_skus) == (Status.REJECTED, "short", ("SKU-1",))
    paid = given(PLACED, CONFIRMED)
    paid.pay(datetime(2030, 5, 17, 12, 30, tzinfo=timezone(timedelta(hours=2))))
    assert paid.pending_events == [PAID], "paid_at is the UTC instant"
    assert paid.paid_at == NOW.isoformat()


def test_a_shortage_of_nothing_named_still_rejects_the_order() -> None:
    events = when(given(PLACED), lambda o: o.stock_unavailable(()))
    assert events == [OrderRejected(order_id=ID, reason="not enough stock: unknown SKU", short_skus=())]
    two = (Shortage("SKU-1", 2, 1), Shortage("SKU-2", 1, 0))
    assert when(given(PLACED), lambda o: o.stock_unavailable(two)) == [
        OrderRejected(
            order_id=ID,
            reason="not enough stock: SKU-1 (requested 2, available 1), SKU-2 (requested 1, available 0)",
            short_skus=("SKU-1", "SKU-2"),
        )
    ]


@pytest.mark.parametrize(
    ("history", "status"),
    [
        ((PLACED,), "placed"),
        ((PLACED, CONFIRMED, PAID), "paid"),
        ((PLACED, CONFIRMED, PAID, OrderShipped(order_id=ID)), "shipped"),
    ],
)
def test_refusals_name_the_order_and_its_status(history: tuple[Event, ...], status: str) -> None:
    order = given(*history)
    then_refused(order, lambda o: o.pay(NOW), OrderNotConfirmed, details={"order_id": ID, "status": status})
    if status != "paid":
        then_refused(order, Order.ship, OrderNotPaid, details={"order_id": ID, "status": status})
    assert order.pending_events == []


def test_cancel_refusals_name_the_order_and_its_status() -> None:
    cancelling = given(PLACED, OrderCancellationRequested(order_id=ID))
    then_refused(cancelling, Order.cancel, OrderNotCancellable, details={"order_id": ID, "status": "cancelling"})


def test_placing_refusals_say_what_is_wrong() -> None:
    with pytest.raises(MixedCurrencies) as mixed:
        Order.place(ID, "u-1", "cart-1", (LINES[0], OrderLine("SKU-3", "Pot", 1, 100, "USD")))
    assert mixed.value.details == {"currencies": ["EUR", "USD"]}
    with pytest.raises(DuplicateLine) as duplicate:
        Order.place(ID, "u-1", "cart-1", (LINES[0], LINES[1], LINES[0]))
    assert duplicate.value.details == {"sku": "SKU-1"}
    one = Order.place(ID, "u-1", "cart-1", [LINES[1]])
    assert one.pending_events[0].currency == "EUR"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (("", 1, 100, "EUR"), "sku", "a line needs a SKU"),
        (("SKU-1", 0, 100, "EUR"), "quantity", "the quantity of SKU-1 must be positive"),
        (("SKU-1", -1, 100, "EUR"), "quantity", "the quantity of SKU-1 must be positive"),
        (("SKU-1", 1, 0, "EUR"), "price_amount", "the price of SKU-1 must be positive"),
        (("SKU-1", 1, 100, "EURO"), "currency", "a currency is an ISO 4217 code such as EUR"),
    ],
)
def test_a_line_says_what_is_wrong(line: tuple[str, int, int, str], field: str, message: str) -> None:
    sku, quantity, price, currency = line
    with pytest.raises(InvalidValue) as refused:
        OrderLine(sku, "Kettle", quantity, price, currency)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_lines_and_shortages_travel_as_plain_data() -> None:
    line = OrderLine("SKU-1", "Kettle", 2, 1999, "EUR")
    assert line.amount == 3998
    data = line.to_data()
    assert data == {"sku": "SKU-1", "name": "Kettle", "quantity": 2, "price_amount": 1999, "currency": "EUR"}
    assert OrderLine.from_data(data) == line
    assert OrderLine.from_data({**data, "quantity": "2", "price_amount": "1999"}) == line
    unnamed = {k: v for k, v in data.items() if k != "name"}
    assert OrderLine.from_data(unnamed) == OrderLine("SKU-1", "", 2, 1999, "EUR")
    assert Shortage.from_data({"sku": "SKU-1", "requested": "2", "available": 1}) == Shortage("SKU-1", 2, 1)
    assert Shortage.from_data({"sku": "SKU-1"}) == Shortage("SKU-1", 0, 0)
    assert Shortage("SKU-1", 2, 1).describe() == "SKU-1 (requested 2, available 1)"


def test_the_payment_instant_is_recorded_in_utc_whatever_the_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        order = given(PLACED, CONFIRMED)
        order.pay(NOW.astimezone(timezone(timedelta(hours=-7))))
        assert order.pending_events == [PAID]
    finally:
        monkeypatch.undo()
        time.tzset()
