"""What a customer or an administrator can ask of an order. Each may carry the version the caller last saw."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCommand:
    order_id: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PayOrder(OrderCommand):
    """The customer pays a confirmed order (the payment is simulated)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipOrder(OrderCommand):
    """An administrator ships a paid order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelOrder(OrderCommand):
    """The customer (or an administrator) cancels an order that has not shipped."""
