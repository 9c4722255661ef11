"""The ASGI application: every module of the process mounted on one FastAPI app."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response

from martello import __version__
from martello.runtime import ops_api
from martello.runtime.config import Settings, auth_secret
from martello.runtime.metrics import HttpMetrics, RequestMetrics, exposition
from martello.runtime.shop import Shop
from martello.web.auth import TokenService
from martello.web.commands import CORRELATION_HEADER
from martello.web.middleware import RequestGuard, SecurityHeaders
from martello.web.problems import install_problem_handlers, problem


def create_app(settings: Settings | None = None, *, shop: Shop | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    shop = shop or Shop.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await shop.start()
        try:
            yield
        finally:
            await shop.stop()

    app = FastAPI(
        title="Martello",
        version=__version__,
        description="An online shop built as a micro monolith: DDD, CQRS and Event Sourcing.",
        lifespan=lifespan,
    )
    app.state.shop = shop
    app.state.tokens = TokenService(auth_secret(settings), settings.token_ttl_seconds)
    install_problem_handlers(app)

    @app.get("/healthz", tags=["operations"], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Readiness: every module started and reaches its storage")
    async def readyz() -> object:
        modules = await shop.ready()
        if modules and all(modules.values()):
            return {"status": "ready", "modules": modules}
        return problem(503, "not-ready", "not every module is ready", modules=modules)

    requests = HttpMetrics()
    # Added innermost first: a request meets SecurityHeaders, CORS, RequestMetrics (which counts what the guard
    # refuses too), then RequestGuard.
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
            app.include_router(router)  # type: ignore[arg-type]
    return app
