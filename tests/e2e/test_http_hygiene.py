"""HTTP hygiene: security headers on every answer, nothing cached from the API, CORS only when configured,
/metrics behind a token when one is set, and a data directory only its owner can read."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from martello.runtime.config import Settings
from tests.conftest import ShopClient, running_shop

ORIGIN = "https://shop.example"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_every_answer_carries_the_security_headers(client: ShopClient) -> None:
    answers = [
        await client.get("/healthz"),
        await client.get("/api/v1/catalog/products"),
        await client.get("/api/v1/user/me"),  # 401 problem
        await client.get("/no/such/page"),  # 404 problem
        await client.post("/api/v1/user/sessions", json={"username": "admin", "password": "martello-admin-1"}),
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "server" not in answer.headers
    assert [a.headers.get("cache-control") for a in answers] == [None, "no-store", "no-store", None, "no-store"]
    assert answers[-1].status_code == 200 and "access_token" in answers[-1].json()


async def test_cors_is_off_by_default(client: ShopClient) -> None:
    preflight = await client.options(
        "/api/v1/catalog/products", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = await client.get("/api/v1/catalog/products", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_allows_the_configured_origins_only(shop: Any) -> None:
    async with shop(cors_origins=(ORIGIN,)) as client:
        request = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
        allowed = await client.options("/api/v1/cart/cart/items", headers={"Origin": ORIGIN, **request})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        other = await client.options("/api/v1/cart/cart/items", headers={"Origin": "https://evil.example", **request})
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers


def test_cors_origins_and_the_other_edge_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"MTL_CORS_ORIGINS": f"{ORIGIN}, https://admin.example", "MTL_METRICS_TOKEN": "m", "MTL_MAX_BODY_BYTES": "9"}
    )
    assert settings.cors_origins == (ORIGIN, "https://admin.example")
    assert (settings.metrics_token, settings.max_body_bytes) == ("m", 9)
    defaults = Settings.from_env({})
    assert (defaults.cors_origins, defaults.metrics_token, defaults.max_body_bytes) == ((), None, 1024 * 1024)


async def test_metrics_are_open_without_a_token_setting(client: ShopClient) -> None:
    assert (await client.get("/metrics")).status_code == 200


async def test_metrics_need_the_token_when_one_is_set(shop: Any) -> None:
    async with shop(metrics_token="scrape-me-please") as client:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            client.admin,
            {"Authorization": "Bearer scrape-me-pleasé".encode()},
        ):
            refused = await client.get("/metrics", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/problem+json")
        scraped = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
        assert scraped.status_code == 200 and "martello_projection_lag" in scraped.text


async def test_the_data_directory_and_its_files_are_the_owners_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    async with running_shop(Settings(data_dir=data_dir)) as client:  # the secret generated and kept there
        assert (await client.get("/healthz")).status_code == 200
    assert mode(data_dir) == 0o700
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.suffix == ".db" for path in files) and (data_dir / "auth-secret") in files
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
