"""Prometheus metrics in the text exposition format, without a client library.

HTTP requests are counted and timed by `RequestMetrics` (an ASGI middleware, which also returns the
request's correlation id in the `X-Correlation-ID` response header); the log head and projection
checkpoints are read when `/metrics` is scraped.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import defaultdict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from martello.kernel.dead_letters import OUTBOX
from martello.runtime.dead_letters import dead_letter_counts
from martello.runtime.operations import projection_status
from martello.runtime.shop import Shop

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CORRELATION_HEADER = b"x-correlation-id"


class Histogram:
    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds


class HttpMetrics:
    """Request counts and latency histograms, by route template."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.durations: dict[str, Histogram] = defaultdict(Histogram)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        self.durations[route].observe(seconds)

    def exposition(self) -> list[str]:
        lines = [
            "# HELP http_requests_total HTTP requests by method, route and status.",
            "# TYPE http_requests_total counter",
        ]
        for (method, route, status), count in sorted(self.requests.items()):
            lines.append(f'http_requests_total{{method="{method}",route="{route}",status="{status}"}} {count}')
        lines += [
            "# HELP http_request_duration_seconds Time to answer an HTTP request, by route.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for route, histogram in sorted(self.durations.items()):
            cumulative = 0
            for bound, count in zip((*BUCKETS, float("inf")), histogram.counts, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(f'http_request_duration_seconds_bucket{{route="{route}",le="{le}"}} {cumulative}')
            lines.append(f'http_request_duration_seconds_sum{{route="{route}"}} {histogram.total:.6f}')
            lines.append(f'http_request_duration_seconds_count{{route="{route}"}} {cumulative}')
        return lines


class RequestMetrics:
    """ASGI middleware: measures every request and returns its correlation id in `X-Correlation-ID`."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500

        async def send_with_correlation(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                correlation = (scope.get("state") or {}).get("correlation_id")
                if correlation:
                    message["headers"] = [*message.get("headers", []), (CORRELATION_HEADER, correlation.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_correlation)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - began)


async def exposition(shop: Shop, requests: HttpMetrics | None) -> str:
    lines: list[str] = list(requests.exposition()) if requests else []
    statuses = await projection_status(shop)
    heads: dict[str, Any] = {s.module: s.head for s in statuses}
    for name, module in shop.modules.items():
        heads.setdefault(name, await module.context.store.head())
    lines += [
        "# HELP martello_log_head_position Highest committed global position of a module's log.",
        "# TYPE martello_log_head_position gauge",
    ]
    lines += [f'martello_log_head_position{{module="{m}"}} {head}' for m, head in sorted(heads.items())]
    lines += [
        "# HELP martello_projection_checkpoint Position up to which a projection has applied its module's log.",
        "# TYPE martello_projection_checkpoint gauge",
    ]
    lines += [
        f'martello_projection_checkpoint{{module="{s.module}",projection="{s.name}"}} {s.checkpoint}' for s in statuses
    ]
    lines += [
        "# HELP martello_projection_lag Events of the log a projection has not applied yet.",
        "# TYPE martello_projection_lag gauge",
    ]
    lines += [f'martello_projection_lag{{module="{s.module}",projection="{s.name}"}} {s.lag}' for s in statuses]
    lines += poison_metrics(shop, statuses, await dead_letter_counts(shop))
    return "\n".join(lines) + "\n"


def poison_metrics(shop: Shop, statuses: list[Any], parked: dict[tuple[str, str], int]) -> list[str]:
    """Stalled projections and parked messages: what a poison event or message left behind."""
    lines = [
        "# HELP martello_projection_stalled 1 while a projection is stopped at an event it cannot apply.",
        "# TYPE martello_projection_stalled gauge",
    ]
    lines += [
        f'martello_projection_stalled{{module="{s.module}",projection="{s.name}"}} {int(s.stall is not None)}'
        for s in statuses
    ]
    lines += [
        "# HELP martello_projection_stalls_total Times a projection stalled in this process.",
        "# TYPE martello_projection_stalls_total counter",
    ]
    for name, module in shop.modules.items():
        lines += [
            f'martello_projection_stalls_total{{module="{name}",projection="{p}"}} {runner.stalls}'
            for p, runner in module.projections.items()
        ]
    lines += [
        "# HELP martello_dead_letters Integration messages parked in a module's dead letters, by consumer.",
        "# TYPE martello_dead_letters gauge",
    ]
    lines += [f'martello_dead_letters{{module="{m}",consumer="{c}"}} {n}' for (m, c), n in sorted(parked.items())]
    lines += [
        "# HELP martello_messages_parked_total Messages parked in this process, by module and consumer.",
        "# TYPE martello_messages_parked_total counter",
    ]
    for name, module in shop.modules.items():
        counts = {OUTBOX: module.relay.parked} | {c: consumer.parked for c, consumer in module.consumers.items()}
        lines += [f'martello_messages_parked_total{{module="{name}",consumer="{c}"}} {n}' for c, n in counts.items()]
    return lines
