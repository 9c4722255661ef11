"""Serving while the shop starts: the HTTP server listens before the modules reach their servers.

`martello run` binds its port first and starts the shop in the background, so a service waiting for
PostgreSQL or NATS answers `/healthz` (200: the process is alive) and `/readyz` (503: not started), stops
at once on SIGTERM or Ctrl-C, and answers every route that needs its storage with 503 `starting`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from martello.runtime.shop import Shop
from martello.web.problems import problem

ANSWERED_WHILE_STARTING = frozenset(
    {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)
"""Routes that need no storage: answered before the shop has started."""

RETRY_AFTER_SECONDS = 1


class StartGate:
    """ASGI middleware: until the shop has started, routes that need its storage answer 503 `starting`."""

    def __init__(self, app: ASGIApp, shop: Shop) -> None:
        self.app = app
        self.shop = shop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.shop.started and scope["path"] not in ANSWERED_WHILE_STARTING:
            response = problem(503, "starting", "the shop is starting: its modules are not serving yet")
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
