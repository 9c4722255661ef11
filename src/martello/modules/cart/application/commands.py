"""What a customer can ask of their cart. The user comes from the bearer token, never from the body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class CartCommand:
    user_id: str
    expected_version: int | None = None
    """The version of the user's cart stream the caller last saw (409 if it moved on)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AddItem(CartCommand):
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeItemQuantity(CartCommand):
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveItem(CartCommand):
    sku: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOut(CartCommand):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class AbandonCart(CartCommand):
    pass
