"""Value objects several modules share: a product's SKU and a number of its units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from martello.kernel.errors import InvalidValue

SKU_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True, slots=True)
class Sku:
    """A stock-keeping unit: the name every module knows a product by."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not SKU_PATTERN.fullmatch(self.value):
            raise InvalidValue("sku", "a SKU is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number of units: a whole number from 1 to `most`, which each module that counts units sets."""

    value: int
    most: ClassVar[int]

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not 1 <= self.value <= self.most:
            raise InvalidValue("quantity", f"a quantity is a whole number from 1 to {self.most}")
