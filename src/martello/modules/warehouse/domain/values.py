"""Value objects of the warehouse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from martello.kernel import values
from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_STOCK_RECEIPT
from martello.kernel.values import Sku as Sku

MAX_QUANTITY = MAX_STOCK_RECEIPT
"""The most units one receipt or one order line may carry: keeps every count well inside 64-bit integers."""


@dataclass(frozen=True, slots=True)
class Quantity(values.Quantity):
    """A number of units: at least one, at most MAX_QUANTITY."""

    most = MAX_QUANTITY


@dataclass(frozen=True, slots=True)
class StockLevel:
    """The units of one SKU: `on_hand` are in the building, `reserved` of them are set aside for orders."""

    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def order_id(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("order_id", "an order id must not be blank")
    return value


@dataclass(frozen=True, slots=True)
class OrderLines:
    """What an order asks for: quantity per SKU, at least one SKU (repeated SKUs are added up)."""

    quantities: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, lines: Iterable[tuple[str, int]]) -> OrderLines:
        merged: dict[str, int] = {}
        for sku, quantity in lines:
            key = Sku(sku).value
            merged[key] = Quantity(merged.get(key, 0) + Quantity(quantity).value).value
        if not merged:
            raise InvalidValue("lines", "an order needs at least one line")
        return cls(tuple(merged.items()))

    @classmethod
    def from_data(cls, lines: Iterable[dict[str, Any]]) -> OrderLines:
        """From integration-event lines `{"sku": ..., "quantity": ..., ...}` (other keys are ignored)."""
        try:
            return cls.of((line["sku"], line["quantity"]) for line in lines)
        except (KeyError, TypeError):
            raise InvalidValue("lines", "every line needs a sku and a quantity") from None

    def as_data(self) -> tuple[dict[str, Any], ...]:
        return tuple({"sku": sku, "quantity": quantity} for sku, quantity in self.quantities)
