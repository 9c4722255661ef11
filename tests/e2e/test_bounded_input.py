"""Nothing a client sends can wedge the shop: every number has a range, every text a length, bodies a size;
what falls outside is refused at the edge (422 naming the field, 400, 401 or 413 as problem+json) or by the
domain with a named error, before anything is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from martello.kernel.limits import MAX_COUNTER, MAX_ORDER_TOTAL, MAX_PRICE_AMOUNT
from tests.conftest import ShopClient
from tests.e2e.test_catalog_http import API, create_active_catalog, problem_of
from tests.e2e.test_purchase_flow import eventually, sign_up_and_in

TOO_BIG = 2**63  # one more than SQLite INTEGER and PostgreSQL BIGINT hold


def invalid_fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    body = problem_of(response)
    return [error["field"] for error in body["errors"]]


async def test_a_price_too_large_for_the_stores_is_refused_and_the_catalog_keeps_working(client: ShopClient) -> None:
    catalog_id = await create_active_catalog(client, {"HAT": 1999})
    for amount in (TOO_BIG, 10**16, MAX_PRICE_AMOUNT + 1):
        repriced = await client.post(
            f"{API}/catalogs/{catalog_id}/products/HAT/reprice",
            json={"price": {"amount": amount, "currency": "EUR"}},
            headers=client.admin,
        )
        assert invalid_fields(repriced) == ["price.amount"]
    added = await client.post(
        f"{API}/catalogs/{catalog_id}/products",
        json={"sku": "GOLD", "name": "Gold", "price": {"amount": 10**16}},
        headers=client.admin,
    )
    assert invalid_fields(added) == ["price.amount"]

    repriced = await client.post(
        f"{API}/catalogs/{catalog_id}/products/HAT/reprice",
        json={"price": {"amount": MAX_PRICE_AMOUNT}},
        headers=client.admin,
    )
    assert repriced.status_code == 200, repriced.text
    products = await client.get(f"{API}/products", params={"min_position": repriced.json()["position"]})
    assert products.status_code == 200, products.text
    assert [p["price"]["amount"] for p in products.json()] == [MAX_PRICE_AMOUNT]


async def test_a_checkout_above_the_largest_order_total_is_refused_before_anything_is_recorded(
    client: ShopClient,
) -> None:
    await create_active_catalog(client, {"GOLD": MAX_PRICE_AMOUNT, "PLATINUM": MAX_PRICE_AMOUNT})
    await eventually(
        lambda: client.get("/api/v1/cart/products"),
        lambda r: len(r.json()) == 2,
        "the cart's price list to learn both products",
    )
    customer = await sign_up_and_in(client, "midas")
    for sku, quantity in (("GOLD", 999), ("PLATINUM", 999)):
        added = await client.post("/api/v1/cart/cart/items", json={"sku": sku, "quantity": quantity}, headers=customer)
        assert added.status_code == 201, added.text
    history_before = (await client.get("/api/v1/cart/cart/history", headers=customer)).json()

    checked_out = await client.post("/api/v1/cart/cart/checkout", headers=customer)

    assert checked_out.status_code == 409
    problem = problem_of(checked_out)
    assert problem["code"] == "total-too-large"
    assert problem["details"]["limit"] == MAX_ORDER_TOTAL
    assert (await client.get("/api/v1/cart/cart/history", headers=customer)).json() == history_before
    assert (await client.get("/api/v1/order/orders", headers=customer)).json() == []
    cart = (await client.get("/api/v1/cart/cart", headers=customer)).json()
    assert cart["status"] == "open" and cart["total_amount"] == 999 * 2 * MAX_PRICE_AMOUNT

    removed = await client.post("/api/v1/cart/cart/items/PLATINUM/remove", headers=customer)
    assert removed.status_code == 200, removed.text
    assert (await client.post("/api/v1/cart/cart/checkout", headers=customer)).status_code == 200


ANONYMOUS_OFFSET_ROUTES = ["/api/v1/catalog/products", "/api/v1/catalog/catalogs", "/api/v1/cart/products"]
ADMIN_OFFSET_ROUTES = ["/api/v1/user/users", "/api/v1/warehouse/stock", "/api/v1/order/orders"]
AS_OF_VERSION_ROUTES = [
    "/api/v1/catalog/catalogs/c-1",
    "/api/v1/user/me",
    "/api/v1/user/users/u-1",
    "/api/v1/warehouse/stock",
    "/api/v1/warehouse/stock/HAT",
    "/api/v1/cart/cart",
    "/api/v1/cart/carts/c-1",
    "/api/v1/order/orders/o-1",
]


@pytest.mark.parametrize("path", ANONYMOUS_OFFSET_ROUTES + ADMIN_OFFSET_ROUTES)
async def test_paging_parameters_out_of_range_name_the_parameter(client: ShopClient, path: str) -> None:
    for value in (TOO_BIG, MAX_COUNTER + 1, -1):
        response = await client.get(path, params={"offset": value}, headers=client.admin)
        assert invalid_fields(response) == ["offset"]
    for value in (0, 1001, TOO_BIG):
        response = await client.get(path, params={"limit": value}, headers=client.admin)
        assert invalid_fields(response) == ["limit"]
    assert (await client.get(path, params={"offset": MAX_COUNTER}, headers=client.admin)).status_code == 200


async def test_an_anonymous_offset_too_large_for_the_stores_is_422(client: ShopClient) -> None:
    response = await client.get("/api/v1/catalog/products?offset=9223372036854775808")
    assert invalid_fields(response) == ["offset"]


@pytest.mark.parametrize("path", AS_OF_VERSION_ROUTES)
async def test_as_of_version_and_min_position_out_of_range_name_the_parameter(client: ShopClient, path: str) -> None:
    for name in ("as_of_version", "min_position"):
        response = await client.get(path, params={name: TOO_BIG}, headers=client.admin)
        assert invalid_fields(response) == [name]


async def test_an_expected_version_too_large_is_422(client: ShopClient) -> None:
    response = await client.post(f"{API}/catalogs/c-1/submit", json={"expected_version": TOO_BIG}, headers=client.admin)
    assert invalid_fields(response) == ["expected_version"]


async def test_quantities_out_of_range_name_the_field(client: ShopClient) -> None:
    received = await client.post(
        "/api/v1/warehouse/stock/HAT/receive", json={"quantity": TOO_BIG}, headers=client.admin
    )
    assert invalid_fields(received) == ["quantity"]
    customer = client.as_user("u-1")
    added = await client.post("/api/v1/cart/cart/items", json={"sku": "HAT", "quantity": 1000}, headers=customer)
    assert invalid_fields(added) == ["quantity"]


async def test_a_lone_surrogate_in_a_json_body_is_400(client: ShopClient) -> None:
    for body in (b'{"username":"a\\ud800b","password":"x"}', b'{"username":"a\\uDC00","password":"x"}'):
        response = await client.post(
            "/api/v1/user/sessions", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert problem_of(response)["code"] == "invalid-unicode"
    raw = await client.post(
        "/api/v1/user/sessions",
        content=b'{"username":"a\xed\xa0\x80b","password":"x"}',
        headers={"Content-Type": "application/json"},
    )
    assert raw.status_code == 400 and problem_of(raw)["code"] == "invalid-unicode"
    paired = await client.post(
        "/api/v1/user/sessions",
        content=b'{"username":"a\\ud83d\\ude00b","password":"x"}',
        headers={"Content-Type": "application/json"},
    )
    assert paired.status_code == 401, paired.text  # a valid surrogate pair is just a character (no such user)


async def test_a_non_ascii_or_malformed_authorization_header_is_401(client: ShopClient) -> None:
    token = client.admin["Authorization"].encode()
    for header in (token + "é".encode(), token + b"\xff", b"Bearer a b", b"Bearer " + b"a" * 5000):
        response = await client.get("/api/v1/user/me", headers={"Authorization": header})
        assert response.status_code == 401, (header[:40], response.text)
        assert problem_of(response)["code"] == "unauthorized"


async def test_a_body_larger_than_the_limit_is_413_before_it_is_parsed(client: ShopClient) -> None:
    description = "x" * (10 * 1024 * 1024)
    created = await client.post(
        f"{API}/catalogs", json={"name": "Big", "description": description}, headers=client.admin
    )
    assert created.status_code == 413
    assert problem_of(created)["code"] == "content-too-large"
    sign_in = await client.post("/api/v1/user/sessions", content=b"{" + b" " * (50 * 1024 * 1024) + b"}")
    assert sign_in.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the bytes are counted as they arrive
        for _ in range(20):
            yield b" " * 100_000

    chunked = await client.post("/api/v1/user/sessions", content=chunks())
    assert chunked.status_code == 413
    listed = await client.get(f"{API}/catalogs")
    assert listed.json() == []


async def test_the_body_limit_is_a_setting(shop: Any) -> None:
    async with shop(max_body_bytes=100) as client:
        response = await client.post(f"{API}/catalogs", json={"name": "x" * 100}, headers=client.admin)
        assert response.status_code == 413
        assert problem_of(response)["max_bytes"] == 100
        response = await client.post(f"{API}/catalogs", json={"name": "Small"}, headers=client.admin)
        assert response.status_code == 201
        metrics = (await client.get("/metrics")).text
        assert 'http_requests_total{method="POST",route="unmatched",status="413"} 1' in metrics


async def test_texts_have_maximum_lengths_and_names_refuse_control_and_bidi_characters(client: ShopClient) -> None:
    admin = client.admin
    assert invalid_fields(await client.post(f"{API}/catalogs", json={"name": "x" * 201}, headers=admin)) == ["name"]
    assert invalid_fields(
        await client.post(f"{API}/catalogs", json={"name": "Summer", "description": "x" * 10_001}, headers=admin)
    ) == ["description"]
    for name in ("Sum\u202emer", "Sum\u2067mer", "Sum\x07mer"):
        assert invalid_fields(await client.post(f"{API}/catalogs", json={"name": name}, headers=admin)) == ["name"]
    catalog_id = (await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=admin)).json()["id"]
    for sku, name in (("HAT\u202e", "Hat"), ("H" * 65, "Hat"), ("HAT", "Hat\u202d"), ("HAT", "Hat\nTrick")):
        body = {"sku": sku, "name": name, "price": {"amount": 100}}
        refused = await client.post(f"{API}/catalogs/{catalog_id}/products", json=body, headers=admin)
        assert invalid_fields(refused) == (["sku"] if sku != "HAT" else ["name"])
    email = "bidi@example.com"
    for username in ("ali\u202ece", "ali\x07ce", "a" * 100):
        body = {"username": username, "email": email, "emailConfirmation": email, "password": "long-secret-42"}
        assert invalid_fields(await client.post("/api/v1/user/users", json=body)) == ["username"]
    assert invalid_fields(
        await client.post("/api/v1/user/sessions", json={"username": "alice", "password": "p" * 257})
    ) == ["password"]


async def test_the_openapi_schema_declares_the_bounds(client: ShopClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/catalog/products"]["get"]["parameters"]}
    assert parameters["offset"]["maximum"] == MAX_COUNTER and parameters["offset"]["minimum"] == 0
    assert parameters["limit"] == {**parameters["limit"], "minimum": 1, "maximum": 1000}
    assert parameters["min_position"]["anyOf"][0]["maximum"] == MAX_COUNTER
    money = schema["components"]["schemas"]["MoneyIn"]["properties"]["amount"]
    assert (money["minimum"], money["maximum"]) == (1, MAX_PRICE_AMOUNT)
    product = schema["components"]["schemas"]["AddProductIn"]["properties"]
    assert product["name"]["maxLength"] == 200 and product["description"]["maxLength"] == 10_000
    assert product["sku"]["maxLength"] == 64


async def test_a_min_position_past_the_end_of_the_log_is_422_at_once(client: ShopClient) -> None:
    created = await client.post(f"{API}/catalogs", json={"name": "Summer"}, headers=client.admin)
    written = created.json()["position"]
    assert (await client.get(f"{API}/catalogs", params={"min_position": written})).status_code == 200
    ahead = await client.get(f"{API}/catalogs", params={"min_position": written + 1000})
    assert invalid_fields(ahead) == ["min_position"]


async def test_a_nul_character_in_a_json_body_or_an_id_is_refused(client: ShopClient) -> None:
    body = b'{"username":"a\\u0000b","password":"x"}'
    response = await client.post("/api/v1/user/sessions", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and problem_of(response)["code"] == "nul-character"
    assert invalid_fields(await client.get(f"{API}/catalogs/a%00b")) == ["catalog_id"]
    assert invalid_fields(await client.get(f"{API}/catalogs", params={"status": "a\x00"})) == ["status"]


def _unbounded(schema: dict[str, Any], where: str, components: dict[str, Any]) -> Iterator[str]:
    """Every integer without a minimum and maximum, and every free string without a maximum length, in `schema`."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _unbounded(components[name], f"{where}>{name}", components)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _unbounded(sub, where, components)
    kind = schema.get("type")
    if kind == "integer" and not ("minimum" in schema and "maximum" in schema):
        yield f"{where}: integer without a range"
    if kind == "string" and "maxLength" not in schema and "enum" not in schema and "format" not in schema:
        yield f"{where}: string without a maximum length"
    for name, sub in schema.get("properties", {}).items():
        yield from _unbounded(sub, f"{where}.{name}", components)
    if "items" in schema:
        yield from _unbounded(schema["items"], f"{where}[]", components)


async def test_every_number_and_text_a_client_sends_is_bounded_in_the_openapi_schema(client: ShopClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    components = schema["components"]["schemas"]
    unbounded: list[str] = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                unbounded.extend(_unbounded(parameter["schema"], where, components))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded.extend(_unbounded(content["schema"], f"{method.upper()} {path} body", components))
    assert unbounded == []


async def test_a_lone_surrogate_or_invalid_utf8_in_the_url_is_400(client: ShopClient) -> None:
    for url in (f"{API}/catalogs?status=a%ED%A0%80b", f"{API}/catalogs/a%ED%A0%80b", f"{API}/products?x=%FF"):
        response = await client.get(url)
        assert response.status_code == 400, (url, response.text)
        assert problem_of(response)["code"] == "invalid-unicode"
    assert (await client.get(f"{API}/catalogs?status=caf%C3%A9")).status_code == 200
