"""A poison event never stops the shop, and the recovery story works end to end.

An undecodable row is written straight into the catalog's event table, as older code might have left it.
The shop starts anyway; every other module (and the catalog's own commands) keeps working; the
`catalog.catalogs` projection is reported `stalled` at that row, with the error, in the projection
listing (HTTP and CLI), /readyz and /metrics, while its queries answer from the last good state. Then an
upcaster is deployed and the projection is retried: it applies the row and everything after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from martello.adapters.sqlite import SqliteDatabase
from martello.kernel.events import JSON, registry
from martello.runtime.cli import main as cli
from tests.conftest import ShopClient, running_shop, shop_settings
from tests.e2e.test_catalog_http import API, create_active_catalog

LEGACY_ROW = (
    "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
    " correlation_id, causation_id, actor) VALUES ('catalog-legacy-0', 1, 'legacy-0', 'catalog.CatalogCreated', 0,"
    " '{\"catalog_id\": \"legacy-0\", \"title\": \"Pre-release\"}', '2024-01-01T00:00:00.000000+00:00',"
    " 'legacy', 'legacy', NULL)"
)
WAREHOUSE = "/api/v1/warehouse"
ERROR = "LookupError: no upcaster for catalog.CatalogCreated v0 -> v1"


@pytest.fixture
def upcaster_deployed() -> Iterator[Any]:
    """Deploys the fix when called: an upcaster from the pre-release payload (removed after the test)."""

    def deploy() -> None:
        @registry.upcaster("catalog.CatalogCreated", from_version=0)
        def _pre_release(data: JSON) -> JSON:
            return {"catalog_id": data["catalog_id"], "name": data["title"], "description": ""}

    yield deploy
    registry._upcasters.pop(("catalog.CatalogCreated", 0), None)


async def write_legacy_row(path: Path) -> int:
    database = SqliteDatabase(path)
    try:
        await database.write(lambda tx: tx.execute(LEGACY_ROW))
        return int(await database.read(lambda tx: tx.execute("SELECT max(position) FROM events").fetchone()[0]))
    finally:
        database.close()


async def catalogs_status(client: ShopClient) -> dict[str, Any]:
    listing = (await client.get("/api/v1/ops/projections", headers=client.admin)).json()
    status: dict[str, Any] = next(s for s in listing if s["name"] == "catalog.catalogs")
    return status


async def test_an_undecodable_event_stalls_one_projection_and_the_shop_recovers(
    tmp_path: Path, upcaster_deployed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = shop_settings(tmp_path / "var")
    async with running_shop(settings) as client:
        await create_active_catalog(client, {"HAT": 1999})
    poison_at = await write_legacy_row(tmp_path / "var" / "catalog.db")

    async with running_shop(settings) as client:  # it starts
        status = await catalogs_status(client)
        assert status["status"] == "stalled"
        assert status["stall"]["position"] == poison_at
        assert (status["stall"]["event_type"], status["stall"]["error"]) == ("catalog.CatalogCreated", ERROR)
        assert status["checkpoint"] == poison_at - 1, "everything before the poison row is applied"
        others = [s for s in (await client.get("/api/v1/ops/projections", headers=client.admin)).json()]
        assert {s["status"] for s in others if s["name"] != "catalog.catalogs"} == {"caught-up"}

        ready = await client.get("/readyz")
        assert ready.status_code == 200, "the shop still serves"
        assert ready.json()["status"] == "degraded"
        [stalled] = ready.json()["stalled"]
        assert (stalled["name"], stalled["module"], stalled["position"]) == ("catalog.catalogs", "catalog", poison_at)
        metrics = (await client.get("/metrics")).text
        assert 'martello_projection_stalled{module="catalog",projection="catalog.catalogs"} 1' in metrics
        assert 'martello_projection_stalls_total{module="catalog",projection="catalog.catalogs"} 1' in metrics
        assert 'martello_projection_stalled{module="warehouse",projection="warehouse.stock"} 0' in metrics

        # The rest of the shop works: another module's commands and queries, the catalog's own commands,
        # and the catalog's queries from the last good state.
        received = await client.post(WAREHOUSE + "/stock/HAT/receive", json={"quantity": 5}, headers=client.admin)
        assert received.status_code == 200, received.text
        after = {"min_position": received.json()["position"]}
        stock = await client.get(WAREHOUSE + "/stock/HAT", params=after, headers=client.admin)
        assert stock.status_code == 200 and stock.json()["on_hand"] == 5
        created = await client.post(f"{API}/catalogs", json={"name": "Winter"}, headers=client.admin)
        assert created.status_code == 201, "the catalog's write side is not held up"
        products = (await client.get(f"{API}/products")).json()
        assert [p["sku"] for p in products] == ["HAT"]

        # Retrying without a fix stalls again, at the same row (from the CLI, on the live data directory).
        data_dir = str(tmp_path / "var")
        assert await asyncio.to_thread(cli, ["projections", "retry", "catalog.catalogs", "--data-dir", data_dir]) == 1
        assert f"still stalls at position {poison_at}" in capsys.readouterr().err
        assert await asyncio.to_thread(cli, ["projections", "list", "--data-dir", data_dir]) == 0
        listing = capsys.readouterr().out
        assert "stalled" in listing and f"stalled at position {poison_at} (catalog.CatalogCreated): {ERROR}" in listing

        upcaster_deployed()
        retried = await client.post("/api/v1/ops/projections/catalog.catalogs/retry", headers=client.admin)
        assert retried.status_code == 200, retried.text
        status = await catalogs_status(client)
        assert (status["status"], status["stall"]) == ("caught-up", None)
        legacy = await client.get(f"{API}/catalogs/legacy-0")
        assert legacy.status_code == 200 and legacy.json()["name"] == "Pre-release"
        winter = await client.get(f"{API}/catalogs/{created.json()['id']}")
        assert winter.status_code == 200, "what was written while stalled is applied too"
        ready = await client.get("/readyz")
        assert ready.json()["status"] == "ready"
        assert 'martello_projection_stalled{module="catalog",projection="catalog.catalogs"} 0' in (
            await client.get("/metrics")
        ).text


async def test_a_restart_after_deploying_the_upcaster_resumes_the_projection(
    tmp_path: Path, upcaster_deployed: Any
) -> None:
    settings = shop_settings(tmp_path / "var", ("catalog",))
    async with running_shop(settings) as client:
        await create_active_catalog(client, {"HAT": 1999})
    await write_legacy_row(tmp_path / "var" / "catalog.db")
    async with running_shop(settings) as client:
        assert (await catalogs_status(client))["status"] == "stalled"
        rebuilt = await client.post("/api/v1/ops/projections/catalog.catalogs/rebuild", headers=client.admin)
        assert rebuilt.status_code == 409 and rebuilt.json()["code"] == "projection-stalled"

    upcaster_deployed()
    async with running_shop(settings) as client:
        assert (await catalogs_status(client))["status"] == "caught-up"
        assert (await client.get(f"{API}/catalogs/legacy-0")).json()["name"] == "Pre-release"
