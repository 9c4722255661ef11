"""Token revocations: which bearer tokens no longer count, known to every module of every process.

A bearer token is valid until it expires, unless its user's older tokens were revoked: the user module
records that when a user's role or password changes or the user signs out, and publishes it as the
integration event `user.public.TokensRevoked{user_id, not_before}`. Every module keeps its own copy in a
`token_revocations` table of its own database (one row per user: the latest `not_before`), fed by its
consumer `<module>.sessions` (inbox-marked, so a redelivery is harmless). Replicas of one module share the
table (and, on JetStream, the consumer), so every replica knows what any of them learnt. A token issued
before its user's `not_before` is refused (see `martello.web.auth`).

The check reads the table through a short per-user cache (`CACHE_SECONDS`); the consumer of this process
updates the cache at once, and a replica that did not handle the message itself sees it after at most that
long. The user module also records the revocation in its own table the moment the change is stored, so
there it takes effect at once.

The event is declared here, not in the user module's contracts (which re-export it), because every
process must decode it, whatever modules it runs. Standard library only, like the rest of the kernel.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from martello.kernel.consumer import Consumer, on
from martello.kernel.database import Database, Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event, event

CACHE_SECONDS = 1.0
"""How long a looked-up `not_before` is reused before the table is read again."""
CACHE_LIMIT = 10_000
"""Cached users at most; beyond that the cache starts afresh."""

SCHEMA = "CREATE TABLE IF NOT EXISTS token_revocations (user_id TEXT PRIMARY KEY, not_before DOUBLE PRECISION NOT NULL)"


@event("user.public.TokensRevoked", version=1)
class TokensRevoked(Event):
    """Every token of `user_id` issued before `not_before` is revoked (a role or password change, a sign-out)."""

    user_id: str
    not_before: str
    """An ISO-8601 instant with its UTC offset (microsecond precision)."""


def instant(moment: datetime) -> float:
    """An instant as epoch seconds, the unit of a token's `iat` claim."""
    return moment.timestamp()


def record(tx: Transaction, user_id: str, not_before: float) -> None:
    """Revoke `user_id`'s tokens issued before `not_before` (a later revocation already known wins)."""
    tx.execute(
        "INSERT INTO token_revocations (user_id, not_before) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET not_before = excluded.not_before"
        " WHERE excluded.not_before > token_revocations.not_before",
        (user_id, not_before),
    )


class TokenRevocations(Consumer):
    """One module's token revocations: its table, the consumer feeding it, and the cached lookup."""

    def __init__(self, module: str, database: Database) -> None:
        super().__init__(database)
        self.name = f"{module}.sessions"
        self._cache: dict[str, tuple[float, float]] = {}
        """user id -> (not_before or -inf, when it was read)."""

    async def setup(self) -> None:
        await self.database.write(lambda tx: tx.execute(SCHEMA))

    @on(TokensRevoked)
    async def _revoked(self, envelope: Envelope[TokensRevoked]) -> None:
        revoked = envelope.event
        not_before = instant(datetime.fromisoformat(revoked.not_before))
        await self.apply(envelope, lambda tx: record(tx, revoked.user_id, not_before))
        self._remember(revoked.user_id, not_before)

    async def revoke(self, user_id: str, not_before: float) -> None:
        """Record a revocation now (the user module, as it stores the change that causes it)."""
        await self.database.write(lambda tx: record(tx, user_id, not_before))
        self._remember(user_id, not_before)

    async def not_before(self, user_id: str) -> float:
        """The instant before which `user_id`'s tokens are revoked; -inf if none are."""
        cached = self._cache.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[1] < CACHE_SECONDS:
            return cached[0]

        def read(tx: Transaction) -> float:
            row = tx.execute("SELECT not_before FROM token_revocations WHERE user_id = ?", (user_id,)).fetchone()
            return -math.inf if row is None else float(row[0])

        found = await self.database.read(read)
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[user_id] = (found, now)
        return found

    async def is_revoked(self, user_id: str, issued_at: float) -> bool:
        """Whether a token of `user_id` issued at `issued_at` (epoch seconds) was revoked."""
        return issued_at < await self.not_before(user_id)

    def _remember(self, user_id: str, not_before: float) -> None:
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] >= not_before:
            return
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[user_id] = (not_before, time.monotonic())
