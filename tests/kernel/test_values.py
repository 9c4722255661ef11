"""Shared values: a SKU is a short code, a quantity a whole number from 1 to its module's most."""

from __future__ import annotations

from typing import ClassVar

import pytest

from martello.kernel.errors import InvalidValue
from martello.kernel.values import Quantity, Sku


class Units(Quantity):
    most: ClassVar[int] = 3


@pytest.mark.parametrize("code", ["H", "HAT-1", "hat.red_2", "9" + "X" * 63])
def test_a_sku_is_one_to_64_letters_digits_dots_underscores_or_dashes(code: str) -> None:
    assert str(Sku(code)) == code


@pytest.mark.parametrize("code", ["", "-HAT", ".HAT", " HAT", "HAT!", "H" * 65, 7])
def test_anything_else_is_not_a_sku(code: object) -> None:
    with pytest.raises(InvalidValue) as refused:
        Sku(code)  # type: ignore[arg-type]
    assert refused.value.field == "sku"


@pytest.mark.parametrize("value", [1, 3])
def test_a_quantity_runs_from_one_to_the_most_its_module_allows(value: int) -> None:
    assert Units(value).value == value


@pytest.mark.parametrize("value", [0, -1, 4, True, 1.0, "2"])
def test_anything_else_is_not_a_quantity_and_the_refusal_names_the_most(value: object) -> None:
    with pytest.raises(InvalidValue) as refused:
        Units(value)  # type: ignore[arg-type]
    assert refused.value.field == "quantity"
    assert "from 1 to 3" in refused.value.message
