"""Domain specifications in one shape: given past events, when a behaviour runs, then these new events (or this
named error, and nothing recorded).

    given = given_events_of(Order, "order-1")

    def test_a_paid_order_ships() -> None:
        order = given(PLACED, CONFIRMED, PAID)
        assert when(order, Order.ship) == [SHIPPED]

    def test_an_unpaid_order_does_not_ship() -> None:
        refused = then_refused(given(PLACED), Order.ship, OrderNotPaid)
        assert refused.code == "order-not-paid"

`given` folds the events through the aggregate type's own `replay`, so a test sees exactly the state the
repository would load; `then`/`when` read what the behaviour recorded (`pending_events`), which is exactly
what the repository would append.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import pytest

from martello.kernel.aggregate import Aggregate
from martello.kernel.errors import MartelloError
from martello.kernel.events import Event

A = TypeVar("A", bound=Aggregate)
A_co = TypeVar("A_co", bound=Aggregate, covariant=True)
E = TypeVar("E", bound=BaseException)


class Given(Protocol[A_co]):
    def __call__(self, *events: Event) -> A_co: ...


def given_events_of(aggregate_type: type[A], id: str) -> Given[A]:
    """`given(*events)` for one aggregate: the aggregate `id` as those stored events leave it."""

    def given(*events: Event) -> A:
        return aggregate_type.replay(id, events)

    return given


def when(aggregate: A, behaviour: Callable[[A], Any]) -> list[Event]:
    """Run `behaviour` on the aggregate; the events it recorded, in order."""
    behaviour(aggregate)
    return aggregate.pending_events


def then(aggregate: Aggregate, *events: Event) -> None:
    """The aggregate recorded exactly these events, in this order (none, when none are given)."""
    assert aggregate.pending_events == list(events)


def then_refused(aggregate: A, behaviour: Callable[[A], Any], error: type[E], **details: Any) -> E:
    """`behaviour` raises the named `error` (with these attribute values, e.g. `code=...`, `field=...`) and
    records nothing: a refused command never leaves half its events behind. Returns the error for more checks."""
    before = aggregate.pending_events
    with pytest.raises(error) as refused:
        behaviour(aggregate)
    for name, expected in details.items():
        assert getattr(refused.value, name) == expected, f"{error.__name__}.{name}"
    assert aggregate.pending_events == before, "a refused behaviour recorded events"
    return refused.value


def then_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    """A named refusal, made while the test runs (so that the code under test makes it), carries its kind,
    stable code, message and machine-readable details."""
    error = make()
    assert isinstance(error, kind)
    assert (error.code, str(error), error.message, error.details) == (code, message, message, details)
