"""Administrator endpoints for operating the shop: projections and stream history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from martello.runtime import operations
from martello.runtime.shop import Shop
from martello.web.auth import Admin
from martello.web.history import HistoryOut, history
from martello.web.params import Id


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/ops", tags=["operations"])

    def shop_of(request: Request) -> Shop:
        shop: Shop = request.app.state.shop
        return shop

    @router.get("/projections", summary="Every projection: checkpoint, head position and lag")
    async def list_projections(request: Request, _: Admin) -> list[dict[str, Any]]:
        return [status.describe() for status in await operations.projection_status(shop_of(request))]

    @router.post("/projections/{name}/rebuild", summary="Rebuild a projection and swap it in atomically")
    async def rebuild_projection(name: Id, request: Request, _: Admin) -> dict[str, Any]:
        position = await operations.rebuild(shop_of(request), name)
        return {"name": name, "position": position}

    @router.get("/streams/{stream_id}", response_model=HistoryOut, summary="Any stream's events with their envelopes")
    async def stream(stream_id: Id, request: Request, _: Admin) -> HistoryOut:
        _, envelopes = await operations.stream_history(shop_of(request), stream_id)
        return history(stream_id, envelopes)

    return router
