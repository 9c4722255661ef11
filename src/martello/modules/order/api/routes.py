"""The order's HTTP API, mounted under /api/v1/order. Orders come from checked-out carts; here they are
read (now, as of the past, or as their history of events), paid (simulated), shipped (administrators) and
cancelled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from martello.kernel.limits import MAX_ID_LENGTH
from martello.modules.order.api.schemas import OrderOut
from martello.modules.order.application.commands import CancelOrder, PayOrder, ShipOrder
from martello.modules.order.application.queries import GetOrder, GetOrderHistory, ListOrders
from martello.modules.order.domain.order import Order
from martello.web.auth import Admin, User
from martello.web.commands import CommandAccepted, Context, Expecting
from martello.web.history import HistoryOut
from martello.web.module_api import ModuleApi
from martello.web.params import Filter, Id, IdFilter, MinPosition, Paged, When

OptionalBody = Annotated[Expecting, Body(default_factory=Expecting)]


def build_router(module: Any) -> APIRouter:
    """`module` is the OrderModule: its command and query buses and its projection runners."""
    router = APIRouter(prefix="/api/v1/order", tags=["order"])
    api = ModuleApi(module)

    @router.get("/orders", response_model=list[OrderOut], summary="Orders: a customer's own, or all for admins")
    async def list_orders(
        context: Context,
        _: User,
        page: Paged,
        status: Filter = None,
        cart_id: IdFilter = None,
        user_id: Annotated[
            str | None, Query(max_length=MAX_ID_LENGTH, description="Administrators only: one customer's orders")
        ] = None,
        min_position: MinPosition = None,
    ) -> Any:
        return await api.ask(ListOrders(status, cart_id, user_id, page.limit, page.offset), context, min_position)

    @router.get("/orders/{order_id}", response_model=OrderOut, summary="One order, now or as of the past")
    async def get_order(order_id: Id, context: Context, _: User, when: When) -> Any:
        return await api.ask(GetOrder(order_id, when.at), context, when.min_position)

    @router.get(
        "/orders/{order_id}/history",
        response_model=HistoryOut,
        summary="The order's events with their envelopes (the owner or an administrator)",
    )
    async def order_history(order_id: Id, context: Context, _: User) -> HistoryOut:
        return await api.history(Order.stream_id_for(order_id), GetOrderHistory(order_id), context)

    @router.post("/orders/{order_id}/pay", response_model=CommandAccepted, summary="Pay a confirmed order")
    async def pay_order(order_id: Id, body: OptionalBody, context: Context, _: User) -> CommandAccepted:
        return await api.accepted(PayOrder(**body.model_dump(), order_id=order_id), context)

    @router.post("/orders/{order_id}/ship", response_model=CommandAccepted, summary="Ship a paid order (admin)")
    async def ship_order(order_id: Id, body: OptionalBody, context: Context, _: Admin) -> CommandAccepted:
        return await api.accepted(ShipOrder(**body.model_dump(), order_id=order_id), context)

    @router.post(
        "/orders/{order_id}/cancel", response_model=CommandAccepted, summary="Cancel an order that has not shipped"
    )
    async def cancel_order(order_id: Id, body: OptionalBody, context: Context, _: User) -> CommandAccepted:
        return await api.accepted(CancelOrder(**body.model_dump(), order_id=order_id), context)

    return router
