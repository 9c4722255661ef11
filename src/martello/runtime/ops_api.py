"""Administrator endpoints for operating the shop: projections, dead letters and stream history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from martello.kernel.errors import NotFound
from martello.kernel.rebuild import RebuildStalled
from martello.kernel.store import describe_error
from martello.runtime import dead_letters, operations
from martello.runtime.shop import Shop
from martello.web.auth import Admin
from martello.web.history import HistoryOut, history
from martello.web.params import Id
from martello.web.problems import problem


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/ops", tags=["operations"])

    def shop_of(request: Request) -> Shop:
        shop: Shop = request.app.state.shop
        return shop

    @router.get("/projections", summary="Every projection: status (running, caught-up, stalled), checkpoint, lag")
    async def list_projections(request: Request, _: Admin) -> list[dict[str, Any]]:
        return [status.describe() for status in await operations.projection_status(shop_of(request))]

    @router.post(
        "/projections/{name}/rebuild",
        summary="Rebuild a projection and swap it in atomically",
        responses={409: {"description": "The log holds an event the projection cannot apply"}},
    )
    async def rebuild_projection(name: Id, request: Request, _: Admin) -> object:
        try:
            position = await operations.rebuild(shop_of(request), name)
        except RebuildStalled as stalled:
            return problem(409, "projection-stalled", str(stalled), stall=stalled.stall.describe())
        return {"name": name, "position": position}

    @router.post(
        "/projections/{name}/retry",
        summary="Resume a stalled projection from the event it stopped at (after an upcaster or a fix)",
        responses={409: {"description": "It still cannot apply that event (or a later one)"}},
    )
    async def retry_projection(name: Id, request: Request, _: Admin) -> object:
        runner, stall = await operations.retry(shop_of(request), name)
        if stall is not None:
            detail = f"{name} still cannot apply the event at position {stall.position}: {stall.error}"
            return problem(409, "projection-stalled", detail, stall=stall.describe())
        return {"name": name, "status": "running", "position": runner.position}

    @router.get("/dead-letters", summary="Integration messages parked after failing a bounded number of times")
    async def list_dead_letters(request: Request, _: Admin) -> list[dict[str, Any]]:
        listing = await dead_letters.list_dead_letters(shop_of(request))
        return [{"module": module, **letter.describe()} for module, letter in listing]

    @router.post(
        "/dead-letters/{letter_id}/retry",
        summary="Deliver a parked message again; on success it leaves the dead letters",
        responses={409: {"description": "It failed again (it stays parked, with the new error)"}},
    )
    async def retry_dead_letter(letter_id: Id, request: Request, _: Admin) -> object:
        try:
            module, letter = await dead_letters.redeliver(shop_of(request), letter_id)
        except NotFound:
            raise
        except Exception as error:
            return problem(409, "still-failing", f"dead letter {letter_id} failed again: {describe_error(error)}")
        return {"id": letter.id, "module": module, "consumer": letter.consumer, "outcome": "delivered"}

    @router.get("/streams/{stream_id}", response_model=HistoryOut, summary="Any stream's events with their envelopes")
    async def stream(stream_id: Id, request: Request, _: Admin) -> HistoryOut:
        _module, envelopes = await operations.stream_history(shop_of(request), stream_id)
        return history(stream_id, envelopes)

    return router
