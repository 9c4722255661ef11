"""Start and stop: `martello run` listens before its servers answer, says so on /healthz and /readyz, stops
within 2 s on SIGTERM or SIGINT while it waits, and refuses a database that does not exist instead of
waiting for it forever. The servers are pointed at closed ports: nothing listens there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from martello.runtime.app import create_app
from martello.runtime.cli import main as cli
from tests.conftest import shop_settings
from tests.servers import free_port, require_postgres, unique_name

STOP_DEADLINE = 2.0
"""The promise: a service still waiting for its servers ends this soon after SIGTERM or SIGINT."""


class Service:
    """`martello run` as a subprocess on a spare port, its output in a log file."""

    def __init__(self, directory: Path, environment: dict[str, str]) -> None:
        self.port = free_port()
        self.log = directory / "service.log"
        command = [sys.executable, "-m", "martello.runtime.cli", "run", "--port", str(self.port)]
        command += ["--data-dir", str(directory / "var")]
        env = {**os.environ, "MTL_AUTH_SECRET": "start-and-stop-secret-0123456789", "MTL_LOG_LEVEL": "INFO"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env={**env, **environment}, stdout=log, stderr=subprocess.STDOUT)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=5.0)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_listening(self, timeout: float = 60.0) -> None:
        self.eventually(lambda: self._answers("/healthz"), "the service never listened", timeout)

    def eventually(self, condition: Callable[[], bool], failure: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"{failure}: it exited with {self.process.returncode}\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{failure} within {timeout}s\n{self.output()}")
            time.sleep(0.05)

    def _answers(self, path: str) -> bool:
        try:
            self.http.get(path)
            return True
        except httpx.TransportError:
            return False

    def close(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def closed_port_urls() -> dict[str, str]:
    """Server URLs where nothing listens (ports taken from the OS and released again)."""
    return {
        "MTL_STORE_URL": f"postgresql://127.0.0.1:{free_port()}/test",
        "MTL_BUS_URL": f"nats://127.0.0.1:{free_port()}",
    }


@pytest.fixture
def service(tmp_path: Path) -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for each in started:
        each.close()


def assert_stops_in_time(service: Service, sig: signal.Signals) -> None:
    service.process.send_signal(sig)
    try:
        service.process.wait(STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {STOP_DEADLINE}s after {sig.name}\n{service.output()}") from None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_service_waiting_for_its_servers_answers_health_and_stops_on_a_signal(
    tmp_path: Path, service: list[Service], sig: signal.Signals
) -> None:
    waiting = Service(tmp_path, closed_port_urls())
    service.append(waiting)
    waiting.wait_until_listening()
    waiting.eventually(lambda: "PostgreSQL not reachable" in waiting.output(), "it never said what it waits for")

    assert waiting.http.get("/healthz").status_code == 200
    readiness = waiting.http.get("/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["code"] == "not-ready"
    assert readiness.json()["modules"]["catalog"] is False
    route = waiting.http.get("/api/v1/catalog/catalogs")
    assert (route.status_code, route.headers["content-type"]) == (503, "application/problem+json")
    assert route.json()["code"] == "starting"
    assert route.headers["retry-after"] == "1"

    assert_stops_in_time(waiting, sig)


@pytest.mark.postgres
def test_a_service_waiting_for_nats_with_postgresql_up_stops_on_sigterm(tmp_path: Path, service: list[Service]) -> None:
    store_url = require_postgres()
    namespace = unique_name("t") + "_"
    waiting = Service(
        tmp_path,
        {
            "MTL_STORE_URL": store_url,
            "MTL_STORE_SCHEMA_PREFIX": namespace,
            "MTL_BUS_URL": f"nats://127.0.0.1:{free_port()}",
            "MTL_MODULES": "catalog",
        },
    )
    service.append(waiting)
    try:
        waiting.wait_until_listening()
        waiting.eventually(lambda: "NATS not ready" in waiting.output(), "it never said it waits for NATS")
        assert waiting.http.get("/readyz").status_code == 503

        assert_stops_in_time(waiting, signal.SIGTERM)
    finally:
        _drop_schema(store_url, namespace + "catalog")


@pytest.mark.postgres
def test_a_database_that_does_not_exist_is_an_error_that_says_how_to_create_it(
    tmp_path: Path, service: list[Service]
) -> None:
    missing = unique_name("martello_missing")
    url = urlsplit(require_postgres())._replace(path=f"/{missing}").geturl()
    failing = Service(tmp_path, {"MTL_STORE_URL": url, "MTL_MODULES": "catalog"})
    service.append(failing)

    try:
        failing.process.wait(60)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"still running (waiting for a database that will never exist)\n{failing.output()}"
        ) from None

    assert failing.process.returncode != 0
    assert f'database "{missing}" does not exist' in failing.output()
    assert f"createdb -h 127.0.0.1 -p {urlsplit(url).port or 5432} {missing}" in failing.output()
    assert f'CREATE DATABASE "{missing}"' in failing.output()


async def test_in_process_a_background_start_that_waits_answers_starting_and_stops_waiting_when_stopped(
    tmp_path: Path,
) -> None:
    settings = shop_settings(tmp_path / "var", ("catalog",), **closed_port_urls_settings())
    app = create_app(settings, start_in_background=True)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 503
        route = await client.get("/api/v1/catalog/catalogs", headers=_admin(app))
        assert (route.status_code, route.json()["code"]) == (503, "starting")
        assert not app.state.starting.done()
    assert app.state.starting.cancelled()  # leaving the lifespan ended the wait


async def test_in_process_a_background_start_serves_once_it_is_done(tmp_path: Path) -> None:
    app = create_app(shop_settings(tmp_path / "var", ("catalog",)), start_in_background=True)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await app.state.starting

        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/api/v1/catalog/catalogs", headers=_admin(app))).status_code == 200


def closed_port_urls_settings() -> dict[str, str]:
    urls = closed_port_urls()
    return {"store_url": urls["MTL_STORE_URL"], "bus_url": urls["MTL_BUS_URL"]}


def _admin(app: FastAPI) -> dict[str, str]:
    token, _ = app.state.tokens.issue("admin-1", {"admin"})
    return {"Authorization": f"Bearer {token}"}


def _drop_schema(url: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.mark.postgres
def test_an_operations_command_on_a_database_that_does_not_exist_says_how_to_create_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = unique_name("martello_missing")
    monkeypatch.setenv("MTL_STORE_URL", urlsplit(require_postgres())._replace(path=f"/{missing}").geturl())

    assert cli(["projections", "list"]) == 2

    refusal = capsys.readouterr().err
    assert f'database "{missing}" does not exist' in refusal
    assert "createdb" in refusal
