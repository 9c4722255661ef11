"""A service started before its servers waits for them; losing PostgreSQL or NATS makes it unready,
not dead; when they are back it is ready again and works. The servers are reached through TCP
proxies that the test opens and cuts (the shared servers themselves are never stopped)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.distributed.conftest import drop_namespace
from tests.distributed.purchase import eventually, ok
from tests.distributed.services import Topology, environment, shop_of
from tests.servers import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


def proxy_for(url: str, default_port: int) -> TcpProxy:
    parts = urlsplit(url)
    return TcpProxy(parts.hostname or "127.0.0.1", parts.port or default_port)


def through(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{parts.username + '@' if parts.username else ''}127.0.0.1:{proxy.port}").geturl()


@pytest.fixture
async def proxies(servers: tuple[str, str]) -> AsyncIterator[tuple[TcpProxy, TcpProxy]]:
    postgres, nats = proxy_for(servers[0], 5432), proxy_for(servers[1], 4222)
    yield postgres, nats
    await postgres.stop()
    await nats.stop()


async def readiness(url: str) -> tuple[int, dict[str, bool]]:
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            answer = await client.get("/readyz")
    except httpx.TransportError:
        return 0, {}
    return answer.status_code, answer.json().get("modules", {})


async def test_a_service_waits_for_its_servers_and_survives_losing_them(
    servers: tuple[str, str], proxies: tuple[TcpProxy, TcpProxy], namespace: str, tmp_path: Path
) -> None:
    postgres, nats = proxies
    settings = environment(through(servers[0], postgres), through(servers[1], nats), namespace)
    topology = Topology(tmp_path / "services", settings, (("catalog", "catalog"),))
    service = topology["catalog"]
    try:
        service.start()
        await eventually(lambda: _logged(service.log, "PostgreSQL not reachable"), "the service waits for PostgreSQL")
        assert service.alive
        await postgres.start()
        await eventually(lambda: _logged(service.log, "NATS not ready"), "then it waits for NATS")
        await nats.start()
        await service.wait_until_ready()

        await postgres.stop()
        await eventually(lambda: _unready(service.url, "catalog"), "/readyz reports the database unreachable")
        await nats.stop()
        await eventually(lambda: _unready(service.url, "message-bus"), "/readyz reports the bus unreachable")
        await postgres.start()
        await nats.start()
        await service.wait_until_ready()
        shop = shop_of(topology)
        ok(await shop["catalog"].post("/api/v1/catalog/catalogs", json={"name": "Back"}, headers=shop.admin), 201)
        assert service.alive
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{topology.logs()}") from failure
    finally:
        await topology.close()
        await drop_namespace(servers[0], servers[1], namespace)


async def _logged(log: Path, text: str) -> bool | None:
    return True if log.exists() and text in log.read_text(errors="replace") else None


async def _unready(url: str, part: str) -> bool | None:
    status, modules = await readiness(url)
    return True if status == 503 and modules.get(part) is False else None
