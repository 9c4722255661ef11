"""Bearer tokens: HMAC-SHA256 signed, expiring. The user module issues them; every module verifies them.

A token is `base64url(claims) "." base64url(signature)` with claims `{"sub", "roles", "exp"}`.
Every process of one shop must share the secret (`MTL_AUTH_SECRET`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from martello.kernel.errors import Forbidden, Unauthorized
from martello.kernel.limits import MAX_TOKEN_LENGTH

ADMIN = "admin"
CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    roles: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenService:
    def __init__(self, secret: str, ttl_seconds: int = 3600) -> None:
        if len(secret) < 16:
            raise ValueError("the auth secret must be at least 16 characters")
        self._key = secret.encode()
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: str, roles: frozenset[str] | set[str], now: float | None = None) -> tuple[str, int]:
        """A token for the user and the instant (epoch seconds) it expires."""
        expires = int((now if now is not None else time.time()) + self.ttl_seconds)
        claims = _b64(json.dumps({"sub": user_id, "roles": sorted(roles), "exp": expires}).encode())
        return f"{claims}.{self._sign(claims)}", expires

    def verify(self, token: str, now: float | None = None) -> Principal:
        claims_part, _, signature = token.partition(".")
        if not signature or not hmac.compare_digest(signature, self._sign(claims_part)):
            raise Unauthorized("the bearer token is invalid")
        try:
            claims = json.loads(_unb64(claims_part))
            user_id, roles, expires = str(claims["sub"]), frozenset(claims["roles"]), int(claims["exp"])
        except (ValueError, KeyError, TypeError):
            raise Unauthorized("the bearer token is invalid") from None
        if expires <= (now if now is not None else time.time()):
            raise Unauthorized("the bearer token has expired")
        return Principal(user_id, roles)

    def _sign(self, claims: str) -> str:
        return _b64(hmac.new(self._key, claims.encode(), hashlib.sha256).digest())


def _tokens(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


# The dependencies below are `async def` although they never await: FastAPI runs a plain `def`
# dependency in a worker thread, and those thread hops were a quarter of a command request's cost.


TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9._~+/=-]+")
"""What a bearer token may be made of (RFC 6750 b64token)."""


async def optional_principal(request: Request) -> Principal | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    if len(header) > MAX_TOKEN_LENGTH or not header.isascii():
        raise Unauthorized("the Authorization header is malformed")
    scheme, _, token = header.partition(" ")
    if token and not TOKEN_CHARACTERS.fullmatch(token.strip()):
        raise Unauthorized("the bearer token is malformed")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    principal = _tokens(request).verify(token.strip())
    request.state.user_id = principal.user_id
    request.state.roles = principal.roles
    return principal


async def authenticated(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("this endpoint needs a bearer token; sign in at POST /api/v1/user/sessions")
    return principal


async def admin(principal: Annotated[Principal, Depends(authenticated)]) -> Principal:
    if not principal.is_admin:
        raise Forbidden("this endpoint is for administrators")
    return principal


User = Annotated[Principal, Depends(authenticated)]
Admin = Annotated[Principal, Depends(admin)]
