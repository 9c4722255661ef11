"""Value objects of the order: what was bought, and what the warehouse could not supply."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from martello.kernel.errors import InvalidValue

CURRENCY_PATTERN = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One product of an order, at the price it was sold for (minor units of `currency`)."""

    sku: str
    name: str
    quantity: int
    price_amount: int
    currency: str

    def __post_init__(self) -> None:
        if not self.sku:
            raise InvalidValue("sku", "a line needs a SKU")
        if self.quantity <= 0:
            raise InvalidValue("quantity", f"the quantity of {self.sku} must be positive")
        if self.price_amount <= 0:
            raise InvalidValue("price_amount", f"the price of {self.sku} must be positive")
        if not CURRENCY_PATTERN.fullmatch(self.currency):
            raise InvalidValue("currency", "a currency is an ISO 4217 code such as EUR")

    @property
    def amount(self) -> int:
        return self.quantity * self.price_amount

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OrderLine:
        return cls(
            sku=str(data["sku"]),
            name=str(data.get("name", "")),
            quantity=int(data["quantity"]),
            price_amount=int(data["price_amount"]),
            currency=str(data["currency"]),
        )

    def to_data(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Shortage:
    """The warehouse could not set aside `requested` units of `sku`: it had only `available`."""

    sku: str
    requested: int
    available: int

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Shortage:
        return cls(str(data["sku"]), int(data.get("requested", 0)), int(data.get("available", 0)))

    def describe(self) -> str:
        return f"{self.sku} (requested {self.requested}, available {self.available})"
