"""The HTTP API fuzzed from its own OpenAPI schema: schemathesis generates requests for every operation, valid
ones and ones that break the schema, anonymous and with an administrator's and a customer's token, on SQLite
and on PostgreSQL; the shop answers none of them with a server error.

The app runs in-process (its ASGI app on an event loop in a background thread, as `martello run` would run it);
hypothesis drives the generation with a fixed seed and a bounded number of examples, so the suite stays fast
and the same cases run every time. `MTL_FUZZ_EXAMPLES` raises the bound for a longer hunt.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode

from martello.adapters.postgres import PostgresDatabase
from martello.runtime.app import create_app
from martello.runtime.config import ALL_MODULES, Settings
from tests.conftest import ShopClient, shop_settings
from tests.servers import require_postgres, unique_name

EXAMPLES = int(os.environ.get("MTL_FUZZ_EXAMPLES", "6"))
"""Examples per operation, identity and generation mode (valid / schema-breaking)."""


class ShopInThread:
    """The shop's ASGI app with its lifespan running on an event loop of its own thread; requests are sent to it
    from the (synchronous) hypothesis test through `request`."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._ready: Future[ShopClient] = Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fuzzed-shop", daemon=True)

    def __enter__(self) -> ShopClient:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        return self._ready.result(timeout=60)

    def __exit__(self, *_: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._done.result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        self._done: Future[None] = Future()
        try:
            app = create_app(self._settings)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
                async with ShopClient(transport=transport, base_url="http://shop.test") as client:
                    client.app = app
                    self._ready.set_result(client)
                    await self._stop.wait()
        except BaseException as error:
            if not self._ready.done():
                self._ready.set_exception(error)
            raise
        finally:
            self._done.set_result(None)

    def request(self, client: ShopClient, kwargs: dict[str, Any]) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(client.request(**kwargs), self._loop).result(timeout=60)


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzzed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ShopInThread, ShopClient]]:
    """The shop on SQLite files (as `martello run` by default), and with every module on PostgreSQL."""
    if request.param == "sqlite":
        settings = shop_settings(tmp_path / "var")
    else:
        store_url, namespace = require_postgres(), unique_name("fuzz") + "_"
        settings = shop_settings(tmp_path / "var", store_url=store_url, store_schema_prefix=namespace)
    runner = ShopInThread(settings)
    try:
        with runner as client:
            yield runner, client
    finally:
        if settings.store_url:
            asyncio.run(drop_schemas(settings.store_url, settings.store_schema_prefix))


async def drop_schemas(store_url: str, namespace: str) -> None:
    for module in ALL_MODULES:
        database = PostgresDatabase(store_url, namespace + module, pool_size=1)
        try:
            await database.drop_schema()
        finally:
            database.close()


def _as_httpx(kwargs: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """schemathesis serialises a case for `requests`; httpx calls a raw body `content`."""
    out = {k: v for k, v in kwargs.items() if k in ("method", "url", "params", "json")}
    if "data" in kwargs:
        out["content"] = kwargs["data"]
    out["headers"] = {**(kwargs.get("headers") or {}), **headers}
    return out


def _seed(runner: ShopInThread, client: ShopClient, customer: dict[str, str]) -> None:
    """Something to find: an active catalog with a product in stock, and the customer's cart holding it."""

    def call(method: str, url: str, headers: dict[str, str], json: Any = None) -> httpx.Response:
        response = runner.request(client, {"method": method, "url": url, "headers": headers, "json": json})
        assert response.status_code < 300, response.text
        return response

    catalog = call("POST", "/api/v1/catalog/catalogs", client.admin, {"name": "Fuzz"}).json()["id"]
    product = {"sku": "HAT", "name": "Hat", "price": {"amount": 1999}}
    call("POST", f"/api/v1/catalog/catalogs/{catalog}/products", client.admin, product)
    for action in ("submit", "approve", "activate"):
        call("POST", f"/api/v1/catalog/catalogs/{catalog}/{action}", client.admin)
    call("POST", "/api/v1/warehouse/stock/HAT/receive", client.admin, {"quantity": 100})
    deadline = time.monotonic() + 10  # the cart learns the product from the catalog's integration events
    while not runner.request(client, {"method": "GET", "url": "/api/v1/cart/products"}).json():
        assert time.monotonic() < deadline, "the cart never learnt the catalog's product"
        time.sleep(0.05)
    call("POST", "/api/v1/cart/cart/items", customer, {"sku": "HAT", "quantity": 2})


def test_no_generated_request_gets_a_server_error(
    fuzzed: tuple[ShopInThread, ShopClient], record_property: Callable[[str, object], None]
) -> None:
    runner, client = fuzzed
    customer = client.as_user("fuzzing-customer", "customer")
    _seed(runner, client, customer)
    schema = schemathesis.openapi.from_dict(client.app.openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    identities = {"anonymous": {}, "admin": client.admin, "customer": customer}
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for identity, headers in identities.items():
                _fuzz(runner, client, operation, mode, identity, headers, tally)
    statuses = dict(sorted(tally.statuses.items()))
    print(f"\nschemathesis: {len(operations)} operations, {tally.cases} cases, statuses {statuses}")
    for name, value in (("operations", len(operations)), ("cases", tally.cases), ("statuses", statuses)):
        record_property(name, value)
    assert not tally.server_errors, "server errors:\n" + "\n".join(tally.server_errors[:20])
    assert len(operations) >= 50 and tally.cases >= len(operations) * 6


def _fuzz(
    runner: ShopInThread,
    client: ShopClient,
    operation: Any,
    mode: GenerationMode,
    identity: str,
    headers: dict[str, str],
    tally: Tally,
) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        kwargs = _as_httpx(case.as_transport_kwargs(base_url="http://shop.test"), headers)
        response = runner.request(client, kwargs)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (FailureGroup, AssertionError):
            tally.server_errors.append(
                f"{identity} {mode.value} {kwargs['method']} {kwargs['url']} params={kwargs.get('params')} "
                f"-> {response.status_code} {response.text[:200]}"
            )

    try:
        run()
    except Unsatisfiable:
        # nothing of this operation can break its schema (no parameters, no body): only valid cases exist
        assert mode is GenerationMode.NEGATIVE, f"no valid case for {operation.label}"
