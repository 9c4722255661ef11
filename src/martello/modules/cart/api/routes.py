"""The cart's HTTP API, mounted under /api/v1/cart. A customer sees and changes only their own cart:
the user is always the bearer token's, so there is no way to name someone else's. Only an
administrator may read another user's history; for other customers it does not exist (404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from martello.kernel.envelope import MessageContext
from martello.kernel.limits import MAX_LINE_QUANTITY, MAX_SKU_LENGTH
from martello.modules.cart.api.schemas import CartOut, ProductOnSaleOut
from martello.modules.cart.application import commands as c
from martello.modules.cart.application.queries import GetCart, GetCartHistory, GetOpenCart, ListProductsOnSale
from martello.modules.cart.domain.cart import Cart
from martello.web.auth import User
from martello.web.commands import CommandAccepted, Context, Expecting
from martello.web.history import HistoryOut
from martello.web.module_api import ModuleApi
from martello.web.params import Id, Paged, SkuPath, When


class AddItemIn(Expecting):
    sku: str = Field(max_length=MAX_SKU_LENGTH)
    quantity: int = Field(
        default=1, ge=1, le=MAX_LINE_QUANTITY, description="1 to 999; added to what the cart already holds"
    )


class ChangeQuantityIn(Expecting):
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY, description="The new quantity: 1 to 999")


OptionalBody = Annotated[Expecting, Body(default_factory=Expecting)]


def build_router(module: Any) -> APIRouter:
    """`module` is the CartModule: its command and query buses and its projection runners."""
    router = APIRouter(prefix="/api/v1/cart", tags=["cart"])
    api = ModuleApi(module)

    async def history_of(user_id: Id, context: MessageContext) -> HistoryOut:
        return await api.history(Cart.stream_id_for(user_id), GetCartHistory(user_id), context)

    @router.get("/cart", response_model=CartOut, summary="My open cart (now or as of the past), priced now")
    async def open_cart(context: Context, user: User, when: When) -> Any:
        return await api.ask(GetOpenCart(user.user_id, when.at), context, when.min_position)

    @router.get("/carts/{cart_id}", response_model=CartOut, summary="One of my carts, open or closed, now or then")
    async def one_cart(cart_id: Id, context: Context, user: User, when: When) -> Any:
        return await api.ask(GetCart(user.user_id, cart_id, when.at), context, when.min_position)

    @router.get("/cart/history", response_model=HistoryOut, summary="The events of my carts, with their envelopes")
    async def my_history(context: Context, user: User) -> HistoryOut:
        return await history_of(user.user_id, context)

    @router.get(
        "/users/{user_id}/history",
        response_model=HistoryOut,
        summary="A user's cart events (the user or an administrator)",
    )
    async def user_history(user_id: Id, context: Context, user: User) -> HistoryOut:
        return await history_of(user_id, context)

    @router.post("/cart/items", status_code=201, response_model=CommandAccepted, summary="Add a product to my cart")
    async def add_item(body: AddItemIn, context: Context, user: User) -> CommandAccepted:
        return await api.accepted(c.AddItem(**body.model_dump(), user_id=user.user_id), context)

    @router.post("/cart/items/{sku}/quantity", response_model=CommandAccepted, summary="Change a line's quantity")
    async def change_quantity(sku: SkuPath, body: ChangeQuantityIn, context: Context, user: User) -> CommandAccepted:
        command = c.ChangeItemQuantity(**body.model_dump(), user_id=user.user_id, sku=sku)
        return await api.accepted(command, context)

    @router.post("/cart/items/{sku}/remove", response_model=CommandAccepted, summary="Remove a line")
    async def remove_item(sku: SkuPath, body: OptionalBody, context: Context, user: User) -> CommandAccepted:
        return await api.accepted(c.RemoveItem(**body.model_dump(), user_id=user.user_id, sku=sku), context)

    @router.post("/cart/checkout", response_model=CommandAccepted, summary="Buy what my cart holds, at today's prices")
    async def check_out(body: OptionalBody, context: Context, user: User) -> CommandAccepted:
        return await api.accepted(c.CheckOut(**body.model_dump(), user_id=user.user_id), context)

    @router.post("/cart/abandon", response_model=CommandAccepted, summary="Drop my open cart")
    async def abandon(body: OptionalBody, context: Context, user: User) -> CommandAccepted:
        return await api.accepted(c.AbandonCart(**body.model_dump(), user_id=user.user_id), context)

    @router.get("/products", response_model=list[ProductOnSaleOut], summary="What can be added to a cart today")
    async def products_on_sale(context: Context, page: Paged) -> Any:
        return await api.ask(ListProductsOnSale(page.limit, page.offset), context)

    return router
