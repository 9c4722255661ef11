"""Queries: a user's carts from the carts read model, priced from the price list; what can be sold.
Time travel (`as_of_version` / `as_of`) answers from the user's stream cut at that point instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from martello.kernel.clock import Clock
from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.store import EventStore
from martello.modules.cart.application.past_carts import PastCart, carts_as_of
from martello.modules.cart.application.price_list import PriceList, offer_for
from martello.modules.cart.domain.cart import Cart


@dataclass(frozen=True, slots=True)
class GetOpenCart:
    """The user's open cart; an empty one (no id) when none is open."""

    user_id: str
    as_of_version: int | None = None
    """As of this version of the user's cart stream."""
    as_of: datetime | None = None
    """As of this instant."""


@dataclass(frozen=True, slots=True)
class GetCart:
    """One of the user's carts, open or closed. Other users' carts do not exist for them."""

    user_id: str
    cart_id: str
    as_of_version: int | None = None
    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class GetCartHistory:
    """A user's cart events with their envelopes: for that user or an administrator, nobody else."""

    user_id: str


@dataclass(frozen=True, slots=True)
class ListProductsOnSale:
    limit: int = 100
    offset: int = 0


CART_COLUMNS = "cart_id, user_id, status, version, opened_at, updated_at, total_amount, currency"


def _cart(tx: Transaction, row: Any, today: date) -> dict[str, Any]:
    rows = tx.execute(
        "SELECT sku, quantity, name, price_amount, currency FROM cart_lines WHERE cart_id = ? ORDER BY added_at",
        (row[0],),
    ).fetchall()
    return _view(tx, row, rows, today)


def _past_cart(tx: Transaction, cart: PastCart, today: date) -> dict[str, Any]:
    """The view of a cart folded from its stream: the read model's row and lines, then the same view."""
    rows = []
    for sku, quantity in cart.quantities.items():
        bought = cart.bought.get(sku, {})
        rows.append((sku, quantity, bought.get("name"), bought.get("price_amount"), bought.get("currency")))
    row = (cart.cart_id, cart.user_id, cart.status, cart.version, cart.opened_at, cart.updated_at)
    return _view(tx, (*row, cart.total_amount, cart.currency), rows, today)


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


def _view(tx: Transaction, row: Any, rows: list[Any], today: date) -> dict[str, Any]:
    """A cart (row of `cart_carts`) with its lines (`sku, quantity, name, price_amount, currency`):
    an open cart priced now, a closed one at the prices it was bought at."""
    cart_id, user_id, status, version, opened, updated, total, currency = row
    if status == "open":
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


def register(queries: QueryBus, database: Database, prices: PriceList, clock: Clock, store: EventStore) -> None:
    @queries.handler
    async def cart_history(query: GetCartHistory, context: MessageContext) -> list[Envelope[Event]]:
        if context.actor != query.user_id and not context.is_admin:
            return []  # another user's carts do not exist for this reader (the same answer as no carts)
        return await store.read_stream(Cart.stream_id_for(query.user_id))

    async def carts_then(query: GetOpenCart | GetCart) -> tuple[dict[str, PastCart], int]:
        """The user's carts as of the query's point in time, and their stream's version then."""
        stream_id = Cart.stream_id_for(query.user_id)
        envelopes = await store.read_stream(stream_id, to_version=query.as_of_version, until=query.as_of)
        if not envelopes:
            raise NotFound(f"user {query.user_id} had no carts at that point in time", user_id=query.user_id)
        return carts_as_of(envelopes), envelopes[-1].stream_version

    async def open_cart_then(query: GetOpenCart) -> dict[str, Any]:
        today = clock.now().date()
        carts, version = await carts_then(query)
        open_cart = next((cart for cart in carts.values() if cart.status == "open"), None)
        if open_cart is None:
            return _no_open_cart(query.user_id, version)
        return await database.read(lambda tx: _past_cart(tx, open_cart, today))

    async def cart_then(query: GetCart) -> dict[str, Any]:
        today = clock.now().date()
        cart = (await carts_then(query))[0].get(query.cart_id)
        if cart is None:
            raise NotFound(f"cart {query.cart_id} did not exist at that point in time", id=query.cart_id)
        return await database.read(lambda tx: _past_cart(tx, cart, today))

    @queries.handler
    async def get_open_cart(query: GetOpenCart, context: MessageContext) -> dict[str, Any]:
        if query.as_of_version is not None or query.as_of is not None:
            return await open_cart_then(query)
        today = clock.now().date()

        def read(tx: Transaction) -> dict[str, Any]:
            row = tx.execute(
                f"SELECT {CART_COLUMNS} FROM cart_carts WHERE user_id = ? AND status = 'open'", (query.user_id,)
            ).fetchone()
            if row is not None:
                return _cart(tx, row, today)
            (version,) = tx.execute(
                "SELECT max(version) FROM cart_carts WHERE user_id = ?", (query.user_id,)
            ).fetchone()
            return _no_open_cart(query.user_id, version or 0)

        return await database.read(read)

    @queries.handler
    async def get_cart(query: GetCart, context: MessageContext) -> dict[str, Any]:
        if query.as_of_version is not None or query.as_of is not None:
            return await cart_then(query)
        today = clock.now().date()

        def read(tx: Transaction) -> dict[str, Any] | None:
            row = tx.execute(
                f"SELECT {CART_COLUMNS} FROM cart_carts WHERE cart_id = ? AND user_id = ?",
                (query.cart_id, query.user_id),
            ).fetchone()
            return _cart(tx, row, today) if row else None

        view = await database.read(read)
        if view is None:
            raise NotFound(f"cart {query.cart_id} does not exist", id=query.cart_id)
        return view

    @queries.handler
    async def list_products_on_sale(query: ListProductsOnSale, context: MessageContext) -> list[dict[str, Any]]:
        offers = await prices.on_sale(clock.now().date(), query.limit, query.offset)
        return [
            {"sku": o.sku, "name": o.name, "price": {"amount": o.price_amount, "currency": o.currency}} for o in offers
        ]
