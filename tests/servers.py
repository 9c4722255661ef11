"""The real servers some tests need (PostgreSQL, NATS JetStream), and private ones they may kill.

A test needing a server calls `require_postgres()` / `require_nats()`: without the server it is
skipped with the reason, except under `CI=true`, where a missing server is a failure, not a skip.
Every test run names its own schemas and streams (`unique_name`), so runs never see each other.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get("MTL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NATS_URL = os.environ.get("MTL_TEST_NATS_URL", "nats://127.0.0.1:4222")
NATS_SERVER = os.environ.get("MTL_TEST_NATS_SERVER", shutil.which("nats-server") or "/usr/sbin/nats-server")


def reachable(url: str, default_port: int, timeout: float = 1.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=timeout):
            return True
    except OSError:
        return False


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI=true (where every server must be up)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: tests needing servers must run)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> str:
    if not reachable(POSTGRES_URL, 5432):
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL} (set MTL_TEST_POSTGRES_URL)")
    return POSTGRES_URL


def require_nats() -> str:
    if not reachable(NATS_URL, 4222):
        unavailable(f"NATS is not reachable at {NATS_URL} (set MTL_TEST_NATS_URL)")
    return NATS_URL


def unique_name(prefix: str) -> str:
    """A schema/stream name no other test run uses: `prefix` and a random suffix."""
    return f"{prefix}_{secrets.token_hex(4)}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not reachable(f"tcp://127.0.0.1:{port}", port, timeout=0.2):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on port {port} after {timeout}s")
        time.sleep(0.05)


class NatsServer:
    """A private nats-server (JetStream on) that a test may stop and start again on the same port."""

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [NATS_SERVER, "-js", "-sd", str(self.store_dir), "-a", "127.0.0.1", "-p", str(self.port)]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@contextmanager
def private_nats(store_dir: Path) -> Iterator[NatsServer]:
    if not Path(NATS_SERVER).exists():
        unavailable(f"nats-server is not installed at {NATS_SERVER} (set MTL_TEST_NATS_SERVER)")
    server = NatsServer(store_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class TcpProxy:
    """A TCP forwarder on a spare port, to make a shared server unreachable without stopping it.

    Until `start()` (and after `stop()`) nothing listens on `port`; `stop()` also cuts every
    connection made through it, as a server restart or a network failure would.
    """

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, upstream_writer))

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                sink.close()
                self._writers.discard(sink)

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
