"""The ASGI application: every module of the process mounted on one FastAPI app."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response

from martello import __version__
from martello.kernel.sessions import TokenRevocations
from martello.runtime import operations, ops_api
from martello.runtime.config import Settings, auth_secret
from martello.runtime.metrics import HttpMetrics, RequestMetrics, exposition
from martello.runtime.shop import Shop
from martello.runtime.starting import StartGate
from martello.web.auth import TokenService
from martello.web.commands import CORRELATION_HEADER
from martello.web.middleware import RequestGuard, SecurityHeaders
from martello.web.problems import install_problem_handlers, problem


def revocations_of(shop: Shop) -> TokenRevocations | None:
    """Where this process looks up token revocations: the user module's table when it runs here (it records
    a revocation the moment the change is stored), else the first module's (fed by its consumer)."""
    modules = shop.modules
    module = modules.get("user") or next(iter(modules.values()), None)
    return None if module is None else module.sessions


def create_app(
    settings: Settings | None = None, *, shop: Shop | None = None, start_in_background: bool = False
) -> FastAPI:
    """The app of one shop. Its lifespan starts the shop before serving, or with `start_in_background`
    while serving (`app.state.starting` is then the start's task; see `martello.runtime.starting`)."""
    settings = settings or Settings.from_env()
    shop = shop or Shop.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_in_background:
            app.state.starting = asyncio.create_task(shop.start(), name="martello-start")
        else:
            await shop.start()
        try:
            yield
        finally:
            starting: asyncio.Task[None] | None = getattr(app.state, "starting", None)
            if starting is not None and not starting.done():
                starting.cancel()  # stopped while waiting for its servers: stop waiting
                await asyncio.gather(starting, return_exceptions=True)
            await shop.stop()

    app = FastAPI(
        title="Martello",
        version=__version__,
        description="An online shop built as a micro monolith: DDD, CQRS and Event Sourcing.",
        lifespan=lifespan,
    )
    app.state.shop = shop
    app.state.tokens = TokenService(
        auth_secret(settings),
        settings.token_ttl_seconds,
        previous_secrets=settings.auth_previous_secrets,
        clock=shop.clock,
    )
    app.state.revocations = revocations_of(shop)
    install_problem_handlers(app)

    @app.get("/healthz", tags=["operations"], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Readiness: every module started and reaches its storage (200 `degraded` names stalled projections)",
    )
    async def readyz() -> object:
        modules = await shop.ready()
        if modules and all(modules.values()):
            stalled = await operations.stalled_projections(shop)
            if stalled:  # the shop still serves (reads of those read models come from their last good state)
                return {"status": "degraded", "modules": modules, "stalled": stalled}
            return {"status": "ready", "modules": modules}
        detail = "not every module is ready" if shop.started else "starting: waiting for its servers"
        return problem(503, "not-ready", detail, modules=modules)

    requests = HttpMetrics()
    # Added innermost first: a request meets SecurityHeaders, CORS, RequestMetrics (which counts what the guard
    # refuses too), RequestGuard, then StartGate.
    app.add_middleware(StartGate, shop=shop)
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=requests)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", CORRELATION_HEADER],
            expose_headers=[CORRELATION_HEADER],
        )
    app.add_middleware(SecurityHeaders)
    metrics_token = settings.metrics_token

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics (text exposition format)")
    async def metrics(request: Request) -> Response:
        if metrics_token is not None:
            expected = f"Bearer {metrics_token}".encode()
            given = request.headers.get("Authorization", "").encode("latin-1")
            if not hmac.compare_digest(given, expected):
                return problem(401, "unauthorized", "/metrics needs 'Authorization: Bearer <MTL_METRICS_TOKEN>'")
        return PlainTextResponse(await exposition(shop, requests), media_type="text/plain; version=0.0.4")

    app.include_router(ops_api.build_router())
    for module in shop.modules.values():
        for router in module.routes():
            if not isinstance(router, APIRouter):
                raise TypeError(f"{module.name} module: routes() must give FastAPI routers, got {router!r}")
            app.include_router(router)
    return app
