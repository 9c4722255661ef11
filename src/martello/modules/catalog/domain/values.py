"""Value objects of the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_PRICE_AMOUNT, bounded_text
from martello.kernel.values import Sku as Sku

CURRENCY_PATTERN = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (cents) of an ISO 4217 currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not CURRENCY_PATTERN.fullmatch(self.currency):
            raise InvalidValue("currency", "a currency is an ISO 4217 code such as EUR")


@dataclass(frozen=True, slots=True)
class Price(Money):
    """What a product costs: more than nothing, at most MAX_PRICE_AMOUNT minor units (see martello.kernel.limits)."""

    def __post_init__(self) -> None:
        Money.__post_init__(self)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidValue("price", "a price is a whole number of minor units")
        if self.amount <= 0:
            raise InvalidValue("price", "a price must be positive")
        if self.amount > MAX_PRICE_AMOUNT:
            raise InvalidValue("price", f"a price is at most {MAX_PRICE_AMOUNT} minor units")


def name(value: str, field: str = "name", limit: int = MAX_NAME_LENGTH) -> str:
    """A trimmed, non-blank name of at most `limit` characters, on one line, without bidi controls."""
    cleaned = value.strip()
    if not cleaned:
        raise InvalidValue(field, f"{field} must not be blank")
    return bounded_text(field, cleaned, limit)


def description(value: str, field: str = "description") -> str:
    """A trimmed free text of at most MAX_DESCRIPTION_LENGTH characters; it may span lines."""
    return bounded_text(field, value.strip(), MAX_DESCRIPTION_LENGTH, multiline=True)


@dataclass(frozen=True, slots=True)
class SalesWindow:
    """When a product may be sold: from its release date up to its expiration date (both optional)."""

    release: date | None = None
    expiration: date | None = None

    def __post_init__(self) -> None:
        if self.release and self.expiration and self.expiration < self.release:
            raise InvalidValue("expiration_date", "a product cannot expire before its release date")

    @classmethod
    def parse(cls, release: str | None, expiration: str | None) -> SalesWindow:
        return cls(_date("release_date", release), _date("expiration_date", expiration))

    def iso(self) -> tuple[str | None, str | None]:
        return (
            self.release.isoformat() if self.release else None,
            self.expiration.isoformat() if self.expiration else None,
        )


def _date(field: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field, f"{field} must be an ISO date (YYYY-MM-DD)") from None
