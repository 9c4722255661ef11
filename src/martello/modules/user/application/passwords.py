"""Password hashing with scrypt (standard library): salted, slow, self-describing, compared in constant time.

A stored hash reads `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (PHC string format, unpadded base64): the cost
parameters travel with every hash, so raising the cost later keeps old hashes verifiable. The salt is 16
random bytes per hash, so equal passwords never share a hash and precomputed tables are useless.

Cost: `ln` is log2 of scrypt's N. The default ln=17, r=8, p=1 (N=2^17: 128 MiB and a few hundred
milliseconds per hash) is OWASP's minimum for scrypt (Password Storage Cheat Sheet). Tests may lower it
(`MTL_PASSWORD_HASH_COST`; the module warns at start when it is below the default). Hashing blocks a CPU core
for that long, so the async methods run it in a worker thread, off the event loop, and at most one hash per CPU
core at a time (more would only queue for the cores, holding 128 MiB each meanwhile).

Upgrades: `needs_rehash` tells a stored hash made with weaker parameters than the configured ones; the
sign-in then hashes the password again (it is known only at that moment) and records `PasswordRehashed`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re

DEFAULT_COST = 17
BLOCK_SIZE = 8
PARALLELISM = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_COST = 20
"""Refuse stored parameters above this (1 GiB of memory): a tampered hash must not exhaust the machine."""

HASH_PATTERN = re.compile(r"\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, cost: int, r: int, p: int, length: int) -> bytes:
    n = 1 << cost
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=length,
        maxmem=128 * r * (n + p + 2) + (1 << 20),
    )


def hash_password(password: str, cost: int = DEFAULT_COST, *, salt: bytes | None = None) -> str:
    """The storable hash of `password` with a fresh random salt (or the given one, for tests)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, cost, BLOCK_SIZE, PARALLELISM, KEY_BYTES)
    return f"$scrypt$ln={cost},r={BLOCK_SIZE},p={PARALLELISM}${_b64(salt)}${_b64(key)}"


def parameters(stored: str) -> tuple[int, int, int] | None:
    """The (cost, r, p) a stored hash was made with; None if it is malformed."""
    match = HASH_PATTERN.fullmatch(stored)
    return None if match is None else (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from; False for a malformed or out-of-bounds hash."""
    match = HASH_PATTERN.fullmatch(stored)
    if match is None:
        return False
    cost, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if not (1 <= cost <= MAX_COST and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    salt, key = _unb64(match.group(4)), _unb64(match.group(5))
    candidate = _scrypt(password, salt, cost, r, p, len(key))
    return hmac.compare_digest(candidate, key)


class PasswordHasher:
    """Hashes and verifies passwords in a worker thread, at a configured cost."""

    def __init__(self, cost: int = DEFAULT_COST) -> None:
        if not 1 <= cost <= MAX_COST:
            raise ValueError(f"the password hash cost must be between 1 and {MAX_COST}, got {cost}")
        self.cost = cost
        self._decoy: str | None = None
        self._cores = asyncio.Semaphore(os.cpu_count() or 1)

    async def hash(self, password: str) -> str:
        async with self._cores:
            return await asyncio.to_thread(hash_password, password, self.cost)

    async def verify(self, password: str, stored: str) -> bool:
        async with self._cores:
            return await asyncio.to_thread(verify_password, password, stored)

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with weaker parameters than this hasher's (a smaller N, r or p)."""
        made_with = parameters(stored)
        if made_with is None:
            return False
        cost, r, p = made_with
        return cost < self.cost or r < BLOCK_SIZE or p < PARALLELISM

    async def verify_nothing(self, password: str) -> bool:
        """Spend the time a verification takes, for an account that does not exist: a sign-in for an unknown
        name then answers as slowly as one with a wrong password, and the timing tells an attacker nothing."""
        if self._decoy is None:
            self._decoy = await self.hash("no account has this password")
        await self.verify(password, self._decoy)
        return False
