"""Value objects of the cart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_LINE_QUANTITY

SKU_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_QUANTITY = MAX_LINE_QUANTITY


@dataclass(frozen=True, slots=True)
class Sku:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not SKU_PATTERN.fullmatch(self.value):
            raise InvalidValue("sku", "a SKU is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Quantity:
    """How many of one product a cart holds: 1 to 999."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not 1 <= self.value <= MAX_QUANTITY:
            raise InvalidValue("quantity", f"a quantity is a whole number from 1 to {MAX_QUANTITY}")


@dataclass(frozen=True, slots=True)
class Offer:
    """What the catalog said about a sellable product: its name, its current price and when it may be sold."""

    sku: str
    name: str
    price_amount: int
    """Minor units of `currency`."""
    currency: str
    release: date | None = None
    expiration: date | None = None

    def on_sale(self, today: date) -> bool:
        """Sold from its release date up to and including its expiration date."""
        released = self.release is None or self.release <= today
        expired = self.expiration is not None and self.expiration < today
        return released and not expired
