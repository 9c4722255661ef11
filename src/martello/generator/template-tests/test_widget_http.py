"""The workshop module through HTTP only:
create, rename and retire a widget as an administrator; read it back;
bad input and missing rights refused with problem documents."""

from __future__ import annotations

from tests.conftest import ShopClient

API = "/api/v1/workshop"


async def create_widget(client: ShopClient, name: str = "First") -> str:
    created = await client.post(f"{API}/widgets", json={"name": name}, headers=client.admin)
    assert created.status_code == 201, created.text
    widget_id: str = created.json()["id"]
    return widget_id


async def test_a_widget_created_renamed_and_retired_reads_back_as_it_now_is(client: ShopClient) -> None:
    widget_id = await create_widget(client)
    renamed = await client.post(f"{API}/widgets/{widget_id}/rename", json={"name": "Second"}, headers=client.admin)
    assert renamed.status_code == 200, renamed.text
    retired = await client.post(f"{API}/widgets/{widget_id}/retire", headers=client.admin)
    assert retired.status_code == 200, retired.text
    position = retired.json()["position"]

    widget = await client.get(f"{API}/widgets/{widget_id}", params={"min_position": position})
    assert widget.status_code == 200, widget.text
    assert (widget.json()["name"], widget.json()["retired"], widget.json()["version"]) == ("Second", True, 3)
    listed = await client.get(f"{API}/widgets", params={"min_position": position})
    assert [w["id"] for w in listed.json()] == [widget_id]
    history = await client.get(f"{API}/widgets/{widget_id}/history", headers=client.admin)
    assert [e["type"] for e in history.json()["events"]] == [
        "workshop.WidgetCreated",
        "workshop.WidgetRenamed",
        "workshop.WidgetRetired",
    ]


async def test_a_retired_widget_keeps_its_name(client: ShopClient) -> None:
    widget_id = await create_widget(client)
    await client.post(f"{API}/widgets/{widget_id}/retire", headers=client.admin)
    refused = await client.post(f"{API}/widgets/{widget_id}/rename", json={"name": "Later"}, headers=client.admin)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "widget-retired"


async def test_a_stale_expected_version_is_refused(client: ShopClient) -> None:
    widget_id = await create_widget(client)
    body = {"name": "Second", "expected_version": 0}
    stale = await client.post(f"{API}/widgets/{widget_id}/rename", json=body, headers=client.admin)
    assert stale.status_code == 409


async def test_bad_input_names_the_field(client: ShopClient) -> None:
    blank = await client.post(f"{API}/widgets", json={"name": "  "}, headers=client.admin)
    assert blank.status_code == 422
    assert [e["field"] for e in blank.json()["errors"]] == ["name"]
    unknown = await client.post(f"{API}/widgets", json={"name": "A", "colour": "red"}, headers=client.admin)
    assert unknown.status_code == 422


async def test_only_an_administrator_writes(client: ShopClient) -> None:
    anonymous = await client.post(f"{API}/widgets", json={"name": "First"})
    assert anonymous.status_code == 401
    customer = await client.post(f"{API}/widgets", json={"name": "First"}, headers=client.as_user("u-1"))
    assert customer.status_code == 403


async def test_an_unknown_widget_is_not_found(client: ShopClient) -> None:
    missing = await client.get(f"{API}/widgets/nope")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not-found"
    retire = await client.post(f"{API}/widgets/nope/retire", headers=client.admin)
    assert retire.status_code == 404
