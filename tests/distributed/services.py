"""Service processes for tests: `martello run --modules X` on spare ports, against the real servers.

This is what `docker-compose.yml` does, as plain processes: one service per module (two for some),
all sharing one PostgreSQL database (a schema per module), one NATS stream and one auth secret.
Clients reach a module through `Replicas`, a round-robin "proxy" over its services' ports.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from martello.runtime.config import ALL_MODULES
from martello.web.auth import TokenService
from tests.distributed.purchase import Shop
from tests.servers import free_port

SECRET = "distributed-test-secret-0123456789"


def environment(store_url: str, bus_url: str, namespace: str) -> dict[str, str]:
    """What every service of one test shop is started with: its servers, namespace and secret."""
    return {
        "MTL_STORE_URL": store_url,
        "MTL_BUS_URL": bus_url,
        "MTL_STORE_SCHEMA_PREFIX": namespace,
        "MTL_BUS_STREAM": namespace.strip("_").upper(),
        "MTL_AUTH_SECRET": SECRET,
        "MTL_PASSWORD_HASH_COST": "10",
        "MTL_BUS_ACK_WAIT": "3",
        "MTL_LOG_LEVEL": "INFO",
    }


@dataclass
class Service:
    name: str
    modules: tuple[str, ...]
    environment: Mapping[str, str]
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / f"{self.name}.log"

    def start(self) -> None:
        command = [sys.executable, "-m", "martello.runtime.cli", "run", "--modules", ",".join(self.modules)]
        command += ["--port", str(self.port), "--data-dir", str(self.directory / self.name)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, env={**os.environ, **self.environment}, stdout=log, stderr=subprocess.STDOUT
            )

    async def wait_until_ready(self, timeout: float = 90.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=5.0) as client:
            while True:
                if self.process is None or self.process.poll() is not None:
                    raise AssertionError(f"{self.name} exited during start-up:\n{self.tail()}")
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as when a machine dies."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM: a graceful stop (SIGKILL if it takes too long)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Replicas(httpx.AsyncBaseTransport):
    """Sends each request to the next live replica of a module, like a reverse proxy would.

    A connection refused (the replica is down) moves on to the next replica: nothing was sent.
    A GET that broke mid-way is retried too; other requests report the failure to the caller.
    """

    def __init__(self, services: Sequence[Service]) -> None:
        self.services = services
        self._next = itertools.cycle(range(len(services)))
        self._transport = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        error: Exception | None = None
        for _ in range(2 * len(self.services)):
            service = self.services[next(self._next)]
            request.url = request.url.copy_with(port=service.port)
            try:
                return await self._transport.handle_async_request(request)
            except httpx.ConnectError as failure:
                error = failure
            except httpx.TransportError as failure:
                if request.method != "GET":
                    raise
                error = failure
        assert error is not None
        raise error

    async def aclose(self) -> None:
        await self._transport.aclose()


class Topology:
    """Services started together; every module reachable through `client(module)`."""

    def __init__(self, directory: Path, environment: Mapping[str, str], layout: Iterable[tuple[str, str]]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.services = [Service(name, tuple(modules.split(",")), environment, directory) for name, modules in layout]
        self._clients: list[httpx.AsyncClient] = []

    @property
    def modules(self) -> list[str]:
        """The modules its services run, each once, in the order they are laid out."""
        return list(dict.fromkeys(module for service in self.services for module in service.modules))

    def replicas(self, module: str) -> list[Service]:
        return [service for service in self.services if module in service.modules]

    def client(self, module: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=Replicas(self.replicas(module)), base_url="http://127.0.0.1", timeout=30.0)
        self._clients.append(client)
        return client

    def __getitem__(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)

    async def start(self) -> None:
        for service in self.services:
            service.start()
        try:
            await asyncio.gather(*(service.wait_until_ready() for service in self.services))
        except BaseException:
            await asyncio.to_thread(self.stop)
            raise

    def stop(self) -> None:
        for service in self.services:
            if service.alive:
                service.process.terminate()  # type: ignore[union-attr]  # all at once, then wait for each
        for service in self.services:
            service.stop()

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()
        await asyncio.to_thread(self.stop)  # keep this loop turning (a test's TCP proxies live in it)

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} ---\n{s.tail()}" for s in self.services)


def shop_of(topology: Topology) -> Shop:
    token, _ = TokenService(SECRET).issue("admin-1", {"admin"})
    return Shop({module: topology.client(module) for module in ALL_MODULES}, {"Authorization": f"Bearer {token}"})
