"""Bearer tokens are standard JWTs (HS256, with a key id); the secret can be rotated; anything that is not a
valid token is a 401 problem, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import jwt
import pytest

from martello.web.auth import TokenService, key_id, signing_key
from tests.clock import FixedClock
from tests.conftest import TEST_SECRET
from tests.user.test_user_http import API, FAST, Shop, problem_of, sign_in, sign_up

OLD_SECRET = "the-secret-we-rotated-out-0001"
OTHER_SECRET = "a-secret-of-another-shop-00002"
USERS = f"{API}/users"  # an admin endpoint


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_sign_in_gives_a_standard_jwt_with_a_key_id(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        user_id = await sign_up(client, "alice")
        session = await client.post(f"{API}/sessions", json={"username": "alice", "password": "correct horse 1"})
        token = session.json()["access_token"]
        assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT", "kid": key_id(TEST_SECRET)}
        claims = jwt.decode(token, signing_key(TEST_SECRET), algorithms=["HS256"])
        assert claims["sub"] == user_id and claims["roles"] == ["customer"]
        assert claims["exp"] - claims["iat"] == pytest.approx(3600, abs=1)
        assert claims["exp"] == int(datetime.fromisoformat(session.json()["expires_at"]).timestamp())
        assert claims["jti"]
        assert key_id(TEST_SECRET) not in signing_key(TEST_SECRET).hex()  # the key id tells nothing of the key


async def test_after_a_rotation_old_tokens_verify_until_they_expire_and_new_ones_use_the_new_key(
    shop: Shop,
) -> None:
    time = FixedClock(datetime.now(UTC))
    old_token, _ = TokenService(OLD_SECRET, clock=time).issue("admin-1", {"admin"})
    foreign_token, _ = TokenService(OTHER_SECRET, clock=time).issue("admin-1", {"admin"})
    async with shop(("user",), clock=time, extra=FAST, auth_previous_secrets=(OLD_SECRET,)) as client:
        assert (await client.get(USERS, headers=bearer(old_token))).status_code == 200
        assert (await client.get(USERS, headers=bearer(foreign_token))).status_code == 401
        await sign_up(client, "bob")
        new = await sign_in(client, "bob")
        assert jwt.get_unverified_header(new["Authorization"][7:])["kid"] == key_id(TEST_SECRET)

        time.advance(seconds=3600)
        expired = await client.get(USERS, headers=bearer(old_token))
        assert expired.status_code == 401
        assert "expired" in problem_of(expired)["detail"]
    async with shop(("user",), clock=time, extra=FAST) as client:  # the old secret dropped
        fresh_old, _ = TokenService(OLD_SECRET, clock=time).issue("admin-1", {"admin"})
        assert (await client.get(USERS, headers=bearer(fresh_old))).status_code == 401


def test_a_previous_secret_must_be_as_long_as_a_current_one() -> None:
    with pytest.raises(ValueError):
        TokenService(TEST_SECRET, previous_secrets=["short"])


def garbage() -> list[str]:
    tokens = TokenService(TEST_SECRET)
    valid, _ = tokens.issue("admin-1", {"admin"})
    header, claims, signature = valid.split(".")
    key, kid = signing_key(TEST_SECRET), {"kid": key_id(TEST_SECRET)}
    return [
        "x",
        "a.b.c",
        "....",
        valid[:-3],
        f"{header}.{claims}.{signature[::-1]}",
        f"{header}.{b64({'sub': 'admin-1', 'roles': ['admin'], 'iat': 1, 'exp': 9999999999})}.{signature}",
        f"{b64({'alg': 'none', 'typ': 'JWT', **kid})}.{claims}.",
        jwt.encode({"sub": "admin-1", "roles": ["admin"]}, key, algorithm="HS256", headers=kid),  # no iat/exp
        jwt.encode({"sub": 7, "roles": ["admin"], "iat": 1, "exp": 9999999999}, key, algorithm="HS256", headers=kid),
        jwt.encode({"sub": "a", "roles": "admin", "iat": 1, "exp": 9999999999}, key, algorithm="HS256", headers=kid),
        jwt.encode({"sub": "a", "roles": [], "iat": "1", "exp": 9999999999}, key, algorithm="HS256", headers=kid),
        jwt.encode({"sub": "a", "roles": [], "iat": 1, "exp": 1e400}, key, algorithm="HS256", headers=kid),
        jwt.encode({"sub": "a", "roles": [], "iat": 1, "exp": 9999999999}, key, algorithm="HS256"),  # no kid
        jwt.encode({"sub": "a", "roles": [], "iat": 1, "exp": 9999999999}, key * 2, algorithm="HS384", headers=kid),
        jwt.encode(
            {"sub": "a", "roles": [], "iat": 9999999000, "exp": 9999999999}, key, algorithm="HS256", headers=kid
        ),  # issued in the future
        jwt.encode({"sub": "admin-1", "roles": ["admin"], "iat": 1, "exp": 9999999999}, TEST_SECRET * 2, "HS256"),
    ]


async def test_every_malformed_or_forged_token_is_a_401_problem(shop: Shop) -> None:
    async with shop(("user",), extra=FAST) as client:
        for token in garbage():
            response = await client.get(USERS, headers=bearer(token))
            assert response.status_code == 401, (token, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert problem_of(response)["code"] == "unauthorized"
        valid, _ = client.app.state.tokens.issue("admin-1", {"admin"})
        assert (await client.get(USERS, headers={"Authorization": f"Bearer {valid}".encode()})).status_code == 200
        for raw in (f"Bearer {valid}é".encode("latin-1"), b"Bearer \xff\xfe"):  # the issue's reproducer, bytes
            response = await client.get(USERS, headers={"Authorization": raw})
            assert response.status_code == 401
            assert problem_of(response)["code"] == "unauthorized"
