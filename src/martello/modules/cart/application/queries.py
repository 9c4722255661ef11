"""Queries: a user's carts from the carts read model, priced from the price list; what can be sold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from martello.kernel.clock import Clock
from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import NotFound
from martello.modules.cart.application.price_list import PriceList, offer_for


@dataclass(frozen=True, slots=True)
class GetOpenCart:
    """The user's open cart; an empty one (no id) when none is open."""

    user_id: str


@dataclass(frozen=True, slots=True)
class GetCart:
    """One of the user's carts, open or closed. Other users' carts do not exist for them."""

    user_id: str
    cart_id: str


@dataclass(frozen=True, slots=True)
class ListProductsOnSale:
    limit: int = 100
    offset: int = 0


CART_COLUMNS = "cart_id, user_id, status, version, opened_at, updated_at, total_amount, currency"


def _cart(tx: Transaction, row: Any, today: date) -> dict[str, Any]:
    cart_id, user_id, status, version, opened, updated, total, currency = row
    rows = tx.execute(
        "SELECT sku, quantity, name, price_amount, currency FROM cart_lines WHERE cart_id = ? ORDER BY added_at",
        (cart_id,),
    ).fetchall()
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


def register(queries: QueryBus, database: Database, prices: PriceList, clock: Clock) -> None:
    @queries.handler
    async def get_open_cart(query: GetOpenCart, context: MessageContext) -> dict[str, Any]:
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
            return {
                "cart_id": None,
                "user_id": query.user_id,
                "status": "none",
                "version": version or 0,
                "lines": [],
                "total_amount": 0,
                "currency": None,
            }

        return await database.read(read)

    @queries.handler
    async def get_cart(query: GetCart, context: MessageContext) -> dict[str, Any]:
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
