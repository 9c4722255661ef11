"""Bearer tokens: standard JWTs (RFC 7519) signed with HS256. The user module issues them; every module verifies them.

A token's header names its key (`kid`), its claims are `sub` (the user id), `roles`, `iat` (issued at, epoch
seconds with a fraction), `exp` (expiry, whole epoch seconds) and `jti` (a random id). Every process of one
shop shares the secret (`MTL_AUTH_SECRET`). The signing key is derived from the secret (SHA-256, so every
secret gives a full-length 256-bit key) and the key id is the first 8 hex digits of another, separate hash of
it, so the key id reveals nothing of the key.

Rotation: set the new secret as `MTL_AUTH_SECRET` and the old one in `MTL_AUTH_PREVIOUS_SECRETS`
(comma-separated): new tokens are signed with the new key, tokens signed with an old one verify (chosen by
their `kid`) until they expire; once the longest token lifetime has passed, drop the old secret.

Revocation: a token issued before its user's last revocation (a role or password change, a sign-out) is
refused, checked against the revocations this process knows (`martello.kernel.sessions`).

Anything that is not a valid token (garbage, a bad signature, an unknown key, missing or mistyped claims,
non-ASCII bytes) is a 401 problem, never a 500.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeGuard

import jwt
from fastapi import Depends, Request

from martello.kernel.clock import Clock, SystemClock
from martello.kernel.errors import Forbidden, Unauthorized
from martello.kernel.limits import MAX_TOKEN_LENGTH
from martello.kernel.sessions import TokenRevocations

ADMIN = "admin"
CUSTOMER = "customer"
ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 16
CLOCK_SKEW_SECONDS = 60.0
"""A token issued this far in the future still verifies (another process's clock may run ahead)."""


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    roles: frozenset[str]
    issued_at: float = math.inf
    """When its token was issued (epoch seconds); a principal not made from a token counts as new."""

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


def key_id(secret: str) -> str:
    """The `kid` of the key derived from `secret`: 8 hex digits of a hash of it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:8]


def signing_key(secret: str) -> bytes:
    """The HS256 key of `secret`: 32 bytes, whatever the secret's length (domain-separated from the key id)."""
    return hashlib.sha256(b"martello bearer token key\0" + secret.encode()).digest()


def _invalid() -> Unauthorized:
    return Unauthorized("the bearer token is invalid")


class TokenService:
    """Issues tokens with the current secret; verifies tokens of the current and the previous secrets."""

    def __init__(
        self,
        secret: str,
        ttl_seconds: int = 3600,
        *,
        previous_secrets: Iterable[str] = (),
        clock: Clock | None = None,
    ) -> None:
        for candidate in (secret, *previous_secrets):
            if len(candidate) < MIN_SECRET_LENGTH:
                raise ValueError(f"an auth secret must be at least {MIN_SECRET_LENGTH} characters")
        self.ttl_seconds = ttl_seconds
        self.key_id = key_id(secret)
        self._key = signing_key(secret)
        self._keys = {key_id(old): signing_key(old) for old in previous_secrets}
        self._keys[self.key_id] = self._key
        self._clock = clock or SystemClock()

    def now(self) -> float:
        return self._clock.now().timestamp()

    def issue(self, user_id: str, roles: frozenset[str] | set[str], now: float | None = None) -> tuple[str, int]:
        """A token for the user and the instant (epoch seconds) it expires. `now`: when it counts as issued."""
        issued = self.now() if now is None else now
        expires = int(issued + self.ttl_seconds)
        claims = {
            "sub": user_id,
            "roles": sorted(roles),
            "iat": round(issued, 6),
            "exp": expires,
            "jti": secrets.token_urlsafe(12),
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.key_id})
        return token, expires

    def verify(self, token: str, now: float | None = None) -> Principal:
        """The principal of a valid, unexpired token; `Unauthorized` for anything else."""
        claims = self._claims(token)
        user_id, roles, issued, expires = claims.get("sub"), claims.get("roles"), claims.get("iat"), claims.get("exp")
        if not isinstance(user_id, str) or not user_id:
            raise _invalid()
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise _invalid()
        if not _is_number(issued) or not _is_number(expires):
            raise _invalid()
        current = self.now() if now is None else now
        if expires <= current:
            raise Unauthorized("the bearer token has expired")
        if issued > current + CLOCK_SKEW_SECONDS:
            raise _invalid()
        return Principal(user_id, frozenset(roles), float(issued))

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise _invalid()
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "verify_iat": False, "require": ["sub", "iat", "exp"]},
            )
        except (jwt.PyJWTError, ValueError, TypeError):  # UnicodeError is a ValueError
            raise _invalid() from None
        return claims


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _tokens(request: Request) -> TokenService:
    tokens: TokenService = request.app.state.tokens
    return tokens


async def _check_revocation(request: Request, principal: Principal) -> None:
    revocations: TokenRevocations | None = getattr(request.app.state, "revocations", None)
    if revocations is not None and await revocations.is_revoked(principal.user_id, principal.issued_at):
        raise Unauthorized("the bearer token has been revoked (role or password changed, or signed out)")


# The dependencies below are `async def`: FastAPI runs a plain `def` dependency in a worker thread, and
# those thread hops were a quarter of a command request's cost.


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
    await _check_revocation(request, principal)
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
