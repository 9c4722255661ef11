"""W5: the monolith under uvicorn (`martello run`), driven over HTTP by wrk (or a Python client).

Each run starts a fresh server on a free port with an empty data directory, then drives, in turn, a
trivial endpoint (`/healthz`: the framework's own ceiling), a query and a command endpoint of the
catalog, with N connections for a fixed time each. Throughput, p50 and p99 latency per endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.plan import Sizes
from bench.report import Figure, Report
from bench.shape import SYNCHRONOUS
from bench.workloads import progress

SYSTEM = "martello (uvicorn)"
TRIVIAL = "W5 HTTP GET /healthz (trivial)"
QUERY = "W5 HTTP GET /api/v1/catalog/catalogs/{id} (query)"
COMMAND = "W5 HTTP POST /api/v1/catalog/catalogs (command)"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: str = ""


@dataclass(frozen=True)
class Load:
    per_second: float
    p50_ms: float
    p99_ms: float
    failures: int
    """Responses other than 2xx/3xx, and socket errors."""


def use_wrk() -> bool:
    """wrk when installed (`apt-get install wrk`), unless BENCH_LOAD=python asks for the Python client."""
    return shutil.which("wrk") is not None and os.environ.get("BENCH_LOAD", "wrk") != "python"


def load_generator() -> str:
    wrk = shutil.which("wrk")
    if wrk is None or not use_wrk():
        return "python httpx (asyncio, one process; wrk not used)"
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    version = (out.stdout or out.stderr).split()[1] if (out.stdout or out.stderr).split()[1:] else "?"
    return f"wrk {version}"


# -- load generators --------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "failures": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these values


def run_wrk(request: Request, seconds: float, connections: int, directory: Path) -> Load:
    headers = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in request.headers.items())
    script = directory / "load.lua"
    script.write_text(WRK_SCRIPT.format(method=_lua(request.method), body=_lua(request.body), headers=headers))
    threads = max(1, min(2, connections))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    out = subprocess.run([*command, "-s", str(script), request.url], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("WRKJSON "))
    result = json.loads(line.removeprefix("WRKJSON "))
    return Load(
        result["requests"] / (result["duration_us"] / 1e6),
        result["p50_us"] / 1000,
        result["p99_us"] / 1000,
        result["failures"],
    )


async def _python_load(request: Request, seconds: float, connections: int) -> Load:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.perf_counter() + seconds

        async def caller() -> None:
            nonlocal failures
            while (began := time.perf_counter()) < deadline:
                response = await client.request(
                    request.method, request.url, content=request.body or None, headers=request.headers
                )
                latencies.append(time.perf_counter() - began)
                failures += response.status_code >= 400

        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Load(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, failures)


def drive(request: Request, seconds: float, connections: int, directory: Path) -> Load:
    if use_wrk():
        return run_wrk(request, seconds, connections, directory)
    return asyncio.run(_python_load(request, seconds, connections))


# -- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def martello_command() -> list[str]:
    script = Path(sys.executable).parent / "martello"
    return [str(script)] if script.exists() else [sys.executable, "-m", "martello.runtime.cli"]


@dataclass(frozen=True)
class Server:
    base: str
    """The base URL: http://127.0.0.1:<port>."""
    pid: int


@contextlib.contextmanager
def server(directory: Path, secret: str, modules: str = "catalog") -> Iterator[Server]:
    """`martello run` with the given modules, on a free port and an empty data directory."""
    port = free_port()
    env = os.environ | {"MTL_AUTH_SECRET": secret, "MTL_SQLITE_SYNCHRONOUS": SYNCHRONOUS, "MTL_LOG_LEVEL": "WARNING"}
    command = [*martello_command(), "run", "--modules", modules, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--data-dir", str(directory / "var")]
    log = (directory / "server.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"martello run did not start:\n{(directory / 'server.log').read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield Server(base, process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def admin_token(secret: str) -> str:
    from martello.web.auth import TokenService

    token, _ = TokenService(secret).issue("bench-admin", {"admin"})
    return token


def measure_http(report: Report, sizes: Sizes) -> None:
    figures: dict[tuple[str, str], Figure] = {}
    for title in (TRIVIAL, QUERY, COMMAND):
        compare = ((TRIVIAL, SYSTEM),) if title != TRIVIAL else ()
        figures[title, "req/s"] = report.add(Figure(title, SYSTEM, "req/s", compare_to=compare))
        figures[title, "p50"] = report.add(Figure(title, SYSTEM, "ms p50", higher_is_better=False))
        figures[title, "p99"] = report.add(Figure(title, SYSTEM, "ms p99", higher_is_better=False))
    failures = 0
    for run in range(sizes.runs):
        secret = secrets.token_urlsafe(24)
        with tempfile.TemporaryDirectory(prefix="martello-bench-http-") as name, server(Path(name), secret) as running:
            base = running.base
            auth = {"Authorization": f"Bearer {admin_token(secret)}", "Content-Type": "application/json"}
            body = json.dumps({"name": "Bench catalog", "description": "made by the benchmark"})
            created = httpx.post(f"{base}/api/v1/catalog/catalogs", content=body, headers=auth, timeout=10).json()
            query_url = f"{base}/api/v1/catalog/catalogs/{created['id']}"
            httpx.get(query_url, params={"min_position": created["position"]}, timeout=10).raise_for_status()
            requests = {
                TRIVIAL: Request("GET", f"{base}/healthz", {}),
                QUERY: Request("GET", query_url, {}),
                COMMAND: Request("POST", f"{base}/api/v1/catalog/catalogs", auth, body),
            }
            for title, request in requests.items():
                began = time.perf_counter()
                load = drive(request, sizes.w5_seconds, sizes.w5_connections, Path(name))
                figures[title, "req/s"].runs.append(load.per_second)
                figures[title, "p50"].runs.append(load.p50_ms)
                figures[title, "p99"].runs.append(load.p99_ms)
                failures += load.failures
                progress(
                    f"{title} · run {run + 1}: {load.per_second:,.0f} req/s, p50 {load.p50_ms:.1f} ms,"
                    f" p99 {load.p99_ms:.1f} ms, {load.failures} failures",
                    began,
                )
    if failures:
        report.notes.append(f"W5: {failures} responses were not 2xx/3xx or failed at the socket: see the progress log")
