"""The Cart aggregate: a user's shopping cart, one open at a time.

Why one stream per user (`cart-<user_id>`), and not one per cart?
"At most one open cart per user" is a rule about the user, so the user is the consistency boundary:
the aggregate's id is the user id, and each cart inside it has its own id (`cart_id`, in every event and
in the integration events other modules see). Adding to a user without an open cart opens a new one;
checking out or abandoning closes it. No lookup table, no race that could open two carts, and every
command finds its stream from the token's user id alone. The stream grows with every cart the user ever
had; snapshots keep loading it cheap.

Prices are not kept here: the cart learns them from the catalog's integration events (its own price
list), and checkout takes each line's price from that list as it is at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Self

from martello.kernel.aggregate import Aggregate, applies
from martello.kernel.errors import InvalidValue
from martello.kernel.limits import MAX_CART_LINES, MAX_ORDER_TOTAL
from martello.modules.cart.domain.errors import (
    CartEmpty,
    CartFull,
    CartHasUnsellableItems,
    ItemNotInCart,
    MixedCurrencies,
    NoOpenCart,
    ProductNotSellable,
    TotalTooLarge,
)
from martello.modules.cart.domain.events import (
    CartAbandoned,
    CartCheckedOut,
    CartOpened,
    ItemAdded,
    ItemQuantityChanged,
    ItemRemoved,
)
from martello.modules.cart.domain.values import MAX_QUANTITY, Offer, Quantity, Sku


class Cart(Aggregate):
    stream_type = "cart"
    snapshot_schema = 1

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.cart_id: str | None = None
        """The open cart's id, or the last one's once it is closed."""
        self.is_open = False
        self.lines: dict[str, int] = {}
        """Quantity per SKU of the open cart, in the order they were added."""

    @property
    def user_id(self) -> str:
        return self.id

    @property
    def resource_id(self) -> str:
        """A command answers with the cart it acted on (read at `/carts/{cart_id}`), not the user."""
        return self.cart_id or ""

    # -- behaviour -------------------------------------------------------------------------------

    def add_item(self, sku: Sku, quantity: Quantity, offer: Offer | None, today: date, *, new_cart_id: str) -> None:
        """Put a sellable product in the cart (opening one, with `new_cart_id`, if none is open).
        Adding a product already in the cart adds to its quantity."""
        if offer is None:
            raise ProductNotSellable(sku.value, "is not sold")
        if not offer.on_sale(today):
            raise ProductNotSellable(sku.value, f"is not on sale on {today.isoformat()}")
        current = self.lines.get(sku.value) if self.is_open else None
        if current is not None and current + quantity.value > MAX_QUANTITY:
            raise InvalidValue("quantity", f"a cart holds at most {MAX_QUANTITY} of one product")
        if current is None and self.is_open and len(self.lines) >= MAX_CART_LINES:
            raise CartFull(self._open_cart_id(), MAX_CART_LINES)
        if not self.is_open:
            self.record(CartOpened(cart_id=new_cart_id, user_id=self.user_id))
        cart_id = self._open_cart_id()
        if current is None:
            self.record(ItemAdded(cart_id=cart_id, sku=sku.value, quantity=quantity.value))
        else:
            self.record(ItemQuantityChanged(cart_id=cart_id, sku=sku.value, quantity=current + quantity.value))

    def change_quantity(self, sku: Sku, quantity: Quantity) -> None:
        if self.lines.get(sku.value) == quantity.value:
            return  # already that many: nothing happened
        self.record(ItemQuantityChanged(cart_id=self._cart_id_holding(sku), sku=sku.value, quantity=quantity.value))

    def remove_item(self, sku: Sku) -> None:
        self.record(ItemRemoved(cart_id=self._cart_id_holding(sku), sku=sku.value))

    def check_out(self, offers: Mapping[str, Offer | None], today: date) -> None:
        """Close the cart and buy its lines at the current prices (`offers`: the price list for its SKUs).
        One checkout costs at most MAX_ORDER_TOTAL (see martello.kernel.limits)."""
        if not self.is_open or not self.lines:
            raise CartEmpty(self.user_id)
        cart_id = self._open_cart_id()
        unsellable = [sku for sku in self.lines if not _on_sale(offers.get(sku), today)]
        if unsellable:
            raise CartHasUnsellableItems(cart_id, unsellable)
        priced = [(offer, quantity) for sku, quantity in self.lines.items() if (offer := offers[sku]) is not None]
        currencies = sorted({offer.currency for offer, _ in priced})
        if len(currencies) > 1:
            raise MixedCurrencies(cart_id, currencies)
        lines = tuple(
            {
                "sku": offer.sku,
                "name": offer.name,
                "quantity": quantity,
                "price_amount": offer.price_amount,
                "currency": offer.currency,
            }
            for offer, quantity in priced
        )
        total = sum(offer.price_amount * quantity for offer, quantity in priced)
        if total > MAX_ORDER_TOTAL:
            raise TotalTooLarge(cart_id, total, MAX_ORDER_TOTAL)
        self.record(
            CartCheckedOut(
                cart_id=cart_id, user_id=self.user_id, lines=lines, total_amount=total, currency=currencies[0]
            )
        )

    def abandon(self) -> None:
        """Drop the open cart without buying anything."""
        if not self.is_open:
            raise NoOpenCart(self.user_id)
        self.record(CartAbandoned(cart_id=self._open_cart_id(), user_id=self.user_id))

    def _open_cart_id(self) -> str:
        assert self.is_open and self.cart_id is not None
        return self.cart_id

    def _cart_id_holding(self, sku: Sku) -> str:
        if not self.is_open or sku.value not in self.lines:
            raise ItemNotInCart(sku.value)
        return self._open_cart_id()

    # -- state changes ---------------------------------------------------------------------------

    @applies(CartOpened)
    def _opened(self, event: CartOpened) -> None:
        self.cart_id, self.is_open, self.lines = event.cart_id, True, {}

    @applies(ItemAdded, ItemQuantityChanged)
    def _line_set(self, event: ItemAdded | ItemQuantityChanged) -> None:
        self.lines[event.sku] = event.quantity

    @applies(ItemRemoved)
    def _item_removed(self, event: ItemRemoved) -> None:
        del self.lines[event.sku]

    @applies(CartCheckedOut)
    def _checked_out(self, event: CartCheckedOut) -> None:
        self.is_open, self.lines = False, {}

    @applies(CartAbandoned)
    def _abandoned(self, event: CartAbandoned) -> None:
        self.is_open, self.lines = False, {}

    # -- snapshots -------------------------------------------------------------------------------

    def snapshot_state(self) -> dict[str, Any]:
        return {"cart_id": self.cart_id, "is_open": self.is_open, "lines": list(self.lines.items())}

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        cart = cls(id)
        cart.version = version
        cart.cart_id, cart.is_open = state["cart_id"], state["is_open"]
        cart.lines = {sku: quantity for sku, quantity in state["lines"]}
        return cart


def _on_sale(offer: Offer | None, today: date) -> bool:
    return offer is not None and offer.on_sale(today)
