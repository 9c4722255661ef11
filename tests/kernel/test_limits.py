"""Texts within limits: a bounded length, no control, bidirectional-control or lone-surrogate characters; the
numeric limits keep every accepted total inside a 64-bit integer and every counter inside what JSON reads."""

from __future__ import annotations

import pytest

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import (
    MAX_CART_LINES,
    MAX_COUNTER,
    MAX_LINE_QUANTITY,
    MAX_ORDER_TOTAL,
    MAX_PRICE_AMOUNT,
    bounded_text,
    refuse_unsafe_characters,
)


def test_a_text_at_its_limit_is_accepted_unchanged() -> None:
    assert bounded_text("name", "  Hat  ", 7) == "  Hat  "


def test_a_text_over_its_limit_is_refused_naming_the_field_and_the_limit() -> None:
    with pytest.raises(InvalidValue) as refused:
        bounded_text("name", "x" * 8, 7)
    assert (refused.value.field, refused.value.message) == ("name", "name is longer than 7 characters")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Sum\u202emer", "name cannot hold bidirectional control characters"),
        ("Sum\u2066mer", "name cannot hold bidirectional control characters"),
        ("Sum\x00mer", "name cannot hold control characters"),
        ("Sum\nmer", "name cannot hold control characters"),
        ("Sum\ud800mer", "name is not valid Unicode"),
    ],
)
def test_unsafe_characters_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        refuse_unsafe_characters("name", text)
    assert (refused.value.field, refused.value.message) == ("name", message)


def test_a_multiline_text_may_break_lines_and_tab_but_holds_no_other_control() -> None:
    assert bounded_text("description", "a\nb\r\n\tc", 100, multiline=True) == "a\nb\r\n\tc"
    with pytest.raises(InvalidValue):
        bounded_text("description", "a\x07b", 100, multiline=True)


def test_the_largest_numbers_fit_their_stores_and_clients() -> None:
    assert MAX_PRICE_AMOUNT * MAX_LINE_QUANTITY * MAX_CART_LINES < 2**63 - 1
    assert MAX_ORDER_TOTAL * 9_000_000 < 2**63 - 1
    assert MAX_COUNTER == 2**53 - 1
