"""W6: complete purchase flows through HTTP on the whole monolith (`martello run`, every module).

Each run starts a fresh shop; untimed setup: an active catalog with one product, its stock
received, and one signed-up customer per flow. Then `w6_customers` customers at a time each
sign in, add the product to their cart and check out; the flow ends when their order shows as
confirmed (the order's process manager reserved the stock with the warehouse). The figures:
flows per second, and the time from the checkout request to the order listed as confirmed
(polled every 5 ms). Passwords use the user module's production scrypt cost: sign-in is
deliberately slow (N=2^17: a few hundred milliseconds of CPU), and it is part of the flow.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.http_load import admin_token, server
from bench.plan import Sizes
from bench.report import Figure, Report
from bench.workloads import progress

SYSTEM = "martello (uvicorn)"
FLOWS = "W6 purchase flow: sign in, add to cart, check out, confirmed"
CONFIRMED = "W6 checkout -> order confirmed"
SKU = "BENCH-KETTLE"
PASSWORD = "Correct-Horse-Battery-42"


def ok(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    return response.json()


async def open_shop(client: httpx.AsyncClient, admin: dict[str, str], units: int) -> None:
    catalog = ok(await client.post("/api/v1/catalog/catalogs", json={"name": "Bench"}, headers=admin), 201)["id"]
    product = {"sku": SKU, "name": "Kettle", "price": {"amount": 1999, "currency": "EUR"}}
    ok(await client.post(f"/api/v1/catalog/catalogs/{catalog}/products", json=product, headers=admin), 201)
    for action in ("submit", "approve", "activate"):
        ok(await client.post(f"/api/v1/catalog/catalogs/{catalog}/{action}", headers=admin))
    ok(await client.post(f"/api/v1/warehouse/stock/{SKU}/receive", json={"quantity": units}, headers=admin))
    while SKU not in {p["sku"] for p in ok(await client.get("/api/v1/cart/products"))}:
        await asyncio.sleep(0.01)


async def sign_up(client: httpx.AsyncClient, usernames: list[str], admin: dict[str, str]) -> None:
    limit = asyncio.Semaphore(4)

    async def one(username: str) -> int:
        email = f"{username}@example.com"
        body = {"username": username, "email": email, "emailConfirmation": email, "password": PASSWORD}
        async with limit:
            position: int = ok(await client.post("/api/v1/user/users", json=body), 201)["position"]
            return position

    last = max(await asyncio.gather(*(one(name) for name in usernames)))
    ok(await client.get("/api/v1/user/users", params={"min_position": last, "limit": 1}, headers=admin))


async def purchase(client: httpx.AsyncClient, username: str) -> float:
    """One customer's flow; the seconds from the checkout request to the order listed as confirmed."""
    session = ok(await client.post("/api/v1/user/sessions", json={"username": username, "password": PASSWORD}))
    customer = {"Authorization": f"Bearer {session['access_token']}"}
    ok(await client.post("/api/v1/cart/cart/items", json={"sku": SKU, "quantity": 1}, headers=customer), 201)
    began = time.perf_counter()
    cart_id = ok(await client.post("/api/v1/cart/cart/checkout", headers=customer))["id"]
    while True:
        orders = ok(await client.get("/api/v1/order/orders", params={"cart_id": cart_id}, headers=customer))
        if orders and orders[0]["status"] == "confirmed":
            return time.perf_counter() - began
        if orders and orders[0]["status"] == "rejected":
            raise RuntimeError(f"order rejected: {orders[0]}")
        await asyncio.sleep(0.005)


async def one_run(base: str, secret: str, sizes: Sizes) -> tuple[float, list[float]]:
    admin = {"Authorization": f"Bearer {admin_token(secret)}"}
    limits = httpx.Limits(max_connections=sizes.w6_customers + 4)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        await open_shop(client, admin, units=sizes.w6_flows * 2)
        usernames = [f"customer{i:05d}" for i in range(sizes.w6_flows)]
        await sign_up(client, usernames, admin)
        queue = list(reversed(usernames))
        latencies: list[float] = []

        async def customer_slot() -> None:
            while queue:
                latencies.append(await purchase(client, queue.pop()))

        began = time.perf_counter()
        await asyncio.gather(*(customer_slot() for _ in range(sizes.w6_customers)))
        return sizes.w6_flows / (time.perf_counter() - began), latencies


def missing_modules() -> list[str]:
    from martello.runtime.registry import MODULES

    return [name for name in ("user", "catalog", "warehouse", "cart", "order") if name not in MODULES]


def measure_shop(report: Report, sizes: Sizes) -> None:
    if missing := missing_modules():
        report.add(Figure(FLOWS, SYSTEM, "flows/s", note=f"n/a (modules not yet present: {', '.join(missing)})"))
        return
    flows = report.add(Figure(FLOWS, SYSTEM, "flows/s"))
    p50 = report.add(Figure(CONFIRMED, SYSTEM, "ms p50", higher_is_better=False))
    p99 = report.add(Figure(CONFIRMED, SYSTEM, "ms p99", higher_is_better=False))
    for run in range(sizes.runs):
        secret = secrets.token_urlsafe(24)
        began = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="martello-bench-shop-") as name, server(Path(name), secret, "all") as s:
            rate, latencies = asyncio.run(one_run(s.base, secret, sizes))
        cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
        flows.runs.append(rate)
        p50.runs.append(cuts[49] * 1000)
        p99.runs.append(cuts[98] * 1000)
        progress(
            f"{FLOWS} · run {run + 1}: {rate:.1f} flows/s, confirmed p50 {p50.runs[-1]:.0f} ms"
            f" p99 {p99.runs[-1]:.0f} ms",
            began,
        )
