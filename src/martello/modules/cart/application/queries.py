"""Queries: a user's carts from the carts read model, priced from the price list; what can be sold.
Time travel (`as_of_version` / `as_of`) asks the same query of the carts read model replayed from the user's
cart events up to that point (`kernel/time_travel.py`); open carts are priced from today's price list either way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from martello.kernel.clock import Clock
from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.store import EventStore
from martello.kernel.time_travel import NOW, PointInTime, TimeTravel
from martello.modules.cart.application.price_list import PriceList, offer_for
from martello.modules.cart.domain.cart import Cart
from martello.modules.cart.projections.carts import CartStatus


@dataclass(frozen=True, slots=True)
class GetOpenCart:
    """The user's open cart; an empty one (no id) when none is open."""

    user_id: str
    at: PointInTime = NOW
    """Now, or as of a version of the user's cart stream or an instant."""


@dataclass(frozen=True, slots=True)
class GetCart:
    """One of the user's carts, open or closed. Other users' carts do not exist for them."""

    user_id: str
    cart_id: str
    at: PointInTime = NOW


@dataclass(frozen=True, slots=True)
class GetCartHistory:
    """A user's cart events with their envelopes: for that user or an administrator, nobody else."""

    user_id: str


@dataclass(frozen=True, slots=True)
class ListProductsOnSale:
    limit: int = 100
    offset: int = 0


CART_COLUMNS = "cart_id, user_id, status, version, opened_at, updated_at, total_amount, currency"

Found = tuple[Any, list[Any]]
"""A row of `cart_carts` and its `cart_lines` (`sku, quantity, name, price_amount, currency`)."""


def _found(tx: Transaction, row: Any) -> Found:
    lines = tx.execute(
        "SELECT sku, quantity, name, price_amount, currency FROM cart_lines WHERE cart_id = ? ORDER BY added_at",
        (row[0],),
    ).fetchall()
    return row, lines


def open_cart_of(tx: Transaction, user_id: str) -> Found | int:
    """The user's open cart from the carts read model (the live one, or one replayed to a point in the user's
    history); with none open, the version of the user's stream the read model has seen."""
    row = tx.execute(
        f"SELECT {CART_COLUMNS} FROM cart_carts WHERE user_id = ? AND status = ?", (user_id, CartStatus.OPEN)
    ).fetchone()
    if row is not None:
        return _found(tx, row)
    (version,) = tx.execute("SELECT max(version) FROM cart_carts WHERE user_id = ?", (user_id,)).fetchone()
    return int(version or 0)


def cart_of(tx: Transaction, user_id: str, cart_id: str) -> Found | None:
    """One of the user's carts from the carts read model, or None."""
    row = tx.execute(
        f"SELECT {CART_COLUMNS} FROM cart_carts WHERE cart_id = ? AND user_id = ?", (cart_id, user_id)
    ).fetchone()
    return None if row is None else _found(tx, row)


def _no_open_cart(user_id: str, version: int) -> dict[str, Any]:
    return {
        "cart_id": None,
        "user_id": user_id,
        "status": "none",
        "version": version,
        "lines": [],
        "total_amount": 0,
        "currency": None,
    }


def _view(tx: Transaction, found: Found, today: date) -> dict[str, Any]:
    """A cart as its owner sees it: an open one priced from the price list now, a closed one at the prices it
    was bought at (`tx` reads the price list)."""
    (cart_id, user_id, status, version, opened, updated, total, currency), rows = found
    if status == CartStatus.OPEN:
        lines = [_priced_now(tx, sku, quantity, today) for sku, quantity, *_ in rows]
        total, currency = _total(lines)
    else:
        lines = [
            {"sku": sku, "name": name, "quantity": quantity, "price_amount": amount, "currency": cur, "sellable": None}
            for sku, quantity, name, amount, cur in rows
        ]
    return {
        "cart_id": cart_id,
        "user_id": user_id,
        "status": status,
        "version": version,
        "opened_at": opened,
        "updated_at": updated,
        "lines": lines,
        "total_amount": total,
        "currency": currency,
    }


def _priced_now(tx: Transaction, sku: str, quantity: int, today: date) -> dict[str, Any]:
    offer = offer_for(tx, sku, today)
    return {
        "sku": sku,
        "name": offer.name if offer else None,
        "quantity": quantity,
        "price_amount": offer.price_amount if offer else None,
        "currency": offer.currency if offer else None,
        "sellable": offer is not None and offer.on_sale(today),
    }


def _total(lines: list[dict[str, Any]]) -> tuple[int | None, str | None]:
    """What checking out would cost now: the sellable lines, if they share one currency."""
    sellable = [line for line in lines if line["sellable"]]
    currencies = {line["currency"] for line in sellable}
    if len(currencies) != 1:
        return (0, None) if not sellable else (None, None)
    return sum(line["price_amount"] * line["quantity"] for line in sellable), currencies.pop()


F = TypeVar("F")
V = TypeVar("V")


def register(
    queries: QueryBus, database: Database, prices: PriceList, clock: Clock, store: EventStore, past: TimeTravel
) -> None:
    @queries.handler
    async def cart_history(query: GetCartHistory, context: MessageContext) -> list[Envelope[Event]]:
        if context.actor != query.user_id and not context.is_admin:
            return []  # another user's carts do not exist for this reader (the same answer as no carts)
        return await store.read_stream(Cart.stream_id_for(query.user_id))

    async def answer(
        query: GetOpenCart | GetCart, read: Callable[[Transaction], F], view: Callable[[Transaction, F], V]
    ) -> V:
        """`read` the carts read model - the live one, or the one of the query's point in time - then make the
        `view` of what was found with the price list as it is now."""
        if query.at.is_now:
            return await database.read(lambda tx: view(tx, read(tx)))
        stream_id, at = Cart.stream_id_for(query.user_id), query.at
        absent = NotFound(f"user {query.user_id} had no carts at that point in time", user_id=query.user_id)
        found = await past.answer(stream_id, read, to_version=at.version, until=at.instant, absent=absent)
        return await database.read(lambda tx: view(tx, found))

    @queries.handler
    async def get_open_cart(query: GetOpenCart, context: MessageContext) -> dict[str, Any]:
        today = clock.now().date()

        def view(tx: Transaction, found: Found | int) -> dict[str, Any]:
            return _no_open_cart(query.user_id, found) if isinstance(found, int) else _view(tx, found, today)

        return await answer(query, partial(open_cart_of, user_id=query.user_id), view)

    @queries.handler
    async def get_cart(query: GetCart, context: MessageContext) -> dict[str, Any]:
        today = clock.now().date()

        def view(tx: Transaction, found: Found | None) -> dict[str, Any] | None:
            return None if found is None else _view(tx, found, today)

        cart = await answer(query, partial(cart_of, user_id=query.user_id, cart_id=query.cart_id), view)
        if cart is None:
            raise NotFound(f"cart {query.cart_id} does not exist{query.at.said}", id=query.cart_id)
        return cart

    @queries.handler
    async def list_products_on_sale(query: ListProductsOnSale, context: MessageContext) -> list[dict[str, Any]]:
        offers = await prices.on_sale(clock.now().date(), query.limit, query.offset)
        return [
            {"sku": o.sku, "name": o.name, "price": {"amount": o.price_amount, "currency": o.currency}} for o in offers
        ]
