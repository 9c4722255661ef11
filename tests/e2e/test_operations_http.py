"""Operations over HTTP: health, readiness, metrics and the correlation id echoed back."""

from __future__ import annotations

from tests.conftest import ShopClient
from tests.e2e.test_catalog_http import API


async def test_health_and_readiness(client: ShopClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["modules"]) == set(client.app.state.shop.modules)


async def test_a_request_keeps_the_correlation_id_it_was_given(client: ShopClient) -> None:
    headers = {**client.admin, "X-Correlation-ID": "checkout-42"}
    created = await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=headers)
    assert created.headers["x-correlation-id"] == "checkout-42"
    history = await client.get(f"{API}/catalogs/{created.json()['id']}/history", headers=client.admin)
    assert history.json()["events"][0]["correlation_id"] == "checkout-42"
    fresh = await client.post(f"{API}/catalogs", json={"name": "Winter"}, headers=client.admin)
    assert fresh.headers["x-correlation-id"] not in ("", "checkout-42")


async def test_metrics_are_exposed_in_the_prometheus_text_format(client: ShopClient) -> None:
    await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=client.admin)
    await client.get(f"{API}/catalogs/unknown")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="POST",route="/api/v1/catalog/catalogs",status="201"} 1' in text
    assert 'http_requests_total{method="GET",route="/api/v1/catalog/catalogs/{catalog_id}",status="404"} 1' in text
    assert 'http_request_duration_seconds_count{route="/api/v1/catalog/catalogs"} 1' in text
    assert 'martello_log_head_position{module="catalog"}' in text
    assert 'martello_projection_lag{module="catalog",projection="catalog.catalogs"}' in text
