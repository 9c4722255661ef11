"""The history made usable: stream history, v1 events read as v2, rebuilds while queries answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.runtime.cli import main as cli
from tests.conftest import ShopClient, running_shop, shop_settings
from tests.e2e.test_catalog_http import API, create_active_catalog

FIXTURE = Path(__file__).parents[1] / "fixtures" / "catalog-v1-events.json"
TABLES = ("catalog_catalogs", "catalog_products")
Shop = Callable[..., AbstractAsyncContextManager[ShopClient]]


async def store_fixture_events(database_path: Path) -> None:
    """Write the v1 fixture rows as an early release would have stored them."""
    database = SqliteDatabase(database_path)
    await SqliteEventStore(database).migrate()
    rows = [
        (r["stream_id"], r["stream_version"], f"legacy-{n}", r["type"], r["schema_version"], json.dumps(r["data"]),
         f"2024-03-0{r['stream_version']}T10:00:00.000000+00:00", "legacy", "legacy", None)
        for n, r in enumerate(json.loads(FIXTURE.read_text()))
    ]  # fmt: skip
    sql = (
        "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
        " correlation_id, causation_id, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    await database.write(lambda tx: tx.executemany(sql, rows))
    database.close()


async def test_stored_v1_events_load_fold_and_project_as_v2(shop: Shop, tmp_path: Path) -> None:
    await store_fixture_events(tmp_path / "var" / "catalog.db")
    async with shop(("catalog",)) as client:
        products = (await client.get(f"{API}/products")).json()
        assert [(p["sku"], p["price"]) for p in products] == [
            ("BOOTS", {"amount": 8050, "currency": "EUR"}),
            ("UMBRELLA", {"amount": 1999, "currency": "EUR"}),
        ]
        as_of = (await client.get(f"{API}/catalogs/legacy-1", params={"as_of_version": 2})).json()
        assert as_of["status"] == "initialized"
        assert as_of["products"][0]["price"] == {"amount": 1999, "currency": "EUR"}

        history = (await client.get(f"{API}/catalogs/legacy-1/history", headers=client.admin)).json()
        added = history["events"][1]
        assert added["schema_version"] == 1, "the envelope tells the version it was stored with"
        assert added["data"]["price_amount"] == 1999 and "price" not in added["data"]


async def test_history_lists_every_event_with_its_envelope(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"HAT": 1999})
    response = await client.get(f"{API}/catalogs/{catalog_id}/history", headers=client.admin)
    assert response.status_code == 200
    events = response.json()["events"]
    assert [e["type"] for e in events] == [
        "catalog.CatalogCreated",
        "catalog.ProductAdded",
        "catalog.CatalogSubmittedForApproval",
        "catalog.CatalogApproved",
        "catalog.CatalogActivated",
    ]
    assert all(e["actor"] == "admin-1" and e["correlation_id"] and e["causation_id"] for e in events)
    assert (await client.get(f"{API}/catalogs/{catalog_id}/history")).status_code == 401
    assert (await client.get(f"{API}/catalogs/{catalog_id}/history", headers=client.as_user("u-1"))).status_code == 403
    ops = await client.get(f"/api/v1/ops/streams/catalog-{catalog_id}", headers=client.admin)
    assert ops.json()["events"] == events


async def test_a_rebuild_equals_the_live_read_model_and_queries_keep_answering(client: ShopClient) -> None:
    for n in range(3):
        await create_active_catalog(client, {f"SKU-{n}-{i}": 100 + i for i in range(20)})
    shop = client.app.state.shop
    database = shop.modules["catalog"].context.database

    def rows() -> object:
        return database.read(lambda tx: {t: tx.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES})

    await shop.modules["catalog"].projections["catalog.catalogs"].catch_up()
    live = await rows()
    answers: list[int] = []

    async def keep_querying() -> None:
        while True:
            response = await client.get(f"{API}/products", params={"limit": 1000})
            assert response.status_code == 200
            answers.append(len(response.json()))
            await asyncio.sleep(0)

    querying = asyncio.create_task(keep_querying())
    rebuilt = await client.post("/api/v1/ops/projections/catalog.catalogs/rebuild", headers=client.admin)
    querying.cancel()
    assert rebuilt.status_code == 200
    assert await rows() == live
    assert answers and set(answers) == {60}, "every query during the rebuild saw the complete read model"

    status = (await client.get("/api/v1/ops/projections", headers=client.admin)).json()
    catalogs = next(s for s in status if s["name"] == "catalog.catalogs")
    assert (catalogs["module"], catalogs["lag"], catalogs["checkpoint"]) == ("catalog", 0, rebuilt.json()["position"])


def test_the_cli_shows_a_stream_and_lists_and_rebuilds_projections(tmp_path: Path, capsys: object) -> None:
    async def fill() -> str:
        async with running_shop(shop_settings(tmp_path / "var", ("catalog",))) as client:
            return await create_active_catalog(client, {"HAT": 1999})

    catalog_id = asyncio.run(fill())
    data_dir = str(tmp_path / "var")
    assert cli(["stream", "show", f"catalog-{catalog_id}", "--data-dir", data_dir, "--json"]) == 0
    assert cli(["projections", "list", "--data-dir", data_dir]) == 0
    assert cli(["projections", "rebuild", "catalog.catalogs", "--data-dir", data_dir]) == 0
    assert cli(["stream", "show", "catalog-nope", "--data-dir", data_dir]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    lines = out.splitlines()
    assert json.loads(lines[0])["type"] == "catalog.CatalogCreated"
    assert any(line.startswith("catalog.catalogs") for line in lines)
    assert "rebuilt catalog.catalogs up to position 5" in out
