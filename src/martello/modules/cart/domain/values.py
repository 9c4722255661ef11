"""Value objects of the cart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from martello.kernel import values
from martello.kernel.limits import MAX_LINE_QUANTITY
from martello.kernel.values import Sku as Sku

MAX_QUANTITY = MAX_LINE_QUANTITY


@dataclass(frozen=True, slots=True)
class Quantity(values.Quantity):
    """How many of one product a cart holds: 1 to 999."""

    most = MAX_QUANTITY


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
