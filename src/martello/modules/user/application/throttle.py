"""Throttling password guesses: failed sign-ins (and password changes) per account and per client address.

Each attempt counts as a failure for its account and for the client's address the moment it is admitted,
before the password is checked (so a burst of concurrent guesses cannot all slip through while the first
ones are still being hashed); a success takes it back: the account's count starts afresh, the address's
count drops by one.

Once a subject (an account, or an address) has `limit` failures within `WINDOW_SECONDS` of each other,
further attempts are refused with 429 `too-many-attempts` and `Retry-After` until a delay after its last
failure has passed: `BASE_DELAY_SECONDS` after reaching the limit, doubling with every further failure, at
most `WINDOW_SECONDS`. Refused attempts do not count, and `WINDOW_SECONDS` after its last failure a subject
starts afresh: a real user is never locked out for good.

The counts live in the user module's own database (`sign_in_failures`), so every replica of the user
service shares them. Times come from the module's clock (tests move it instead of sleeping).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from martello.kernel.clock import Clock
from martello.kernel.database import Database, Transaction
from martello.modules.user.domain.errors import TooManySignInAttempts

WINDOW_SECONDS = 15 * 60
BASE_DELAY_SECONDS = 1.0
ACCOUNT_LIMIT = 5
"""Failures an account may have within the window before attempts wait."""
ADDRESS_LIMIT = 20
"""Failures one client address may have within the window (several people may share an address)."""

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sign_in_failures (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sign_in_failures_by_time ON sign_in_failures (last_failure_at)",
)


@dataclass(frozen=True, slots=True)
class Subject:
    """Who attempts: `account:<user id or unknown login>` or `address:<client address>`, with its limit."""

    key: str
    limit: int


def delay_after(failures: int, limit: int) -> float:
    """How long a subject with `failures` (>= `limit`) waits after its last failure."""
    return min(BASE_DELAY_SECONDS * 2.0 ** min(failures - limit, 30), WINDOW_SECONDS)


class SignInThrottle:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def setup(self) -> None:
        def create(tx: Transaction) -> None:
            for statement in SCHEMA:
                tx.execute(statement)

        await self.database.write(create)

    @staticmethod
    def subjects(account: str, address: str | None) -> tuple[Subject, ...]:
        by_account = Subject(f"account:{account}", ACCOUNT_LIMIT)
        return (by_account,) if address is None else (by_account, Subject(f"address:{address}", ADDRESS_LIMIT))

    async def admit(self, account: str, address: str | None) -> None:
        """Count an attempt (as failed until `succeeded` says otherwise), or refuse it with
        `TooManySignInAttempts` when the account or the address must still wait."""
        now = self.clock.now().timestamp()
        subjects = self.subjects(account, address)

        def count(tx: Transaction) -> float:
            tx.execute("DELETE FROM sign_in_failures WHERE last_failure_at < ?", (now - WINDOW_SECONDS,))
            wait = 0.0
            for subject in subjects:
                row = tx.execute(
                    "SELECT failures, last_failure_at FROM sign_in_failures WHERE subject = ?", (subject.key,)
                ).fetchone()
                if row is not None and int(row[0]) >= subject.limit:
                    wait = max(wait, float(row[1]) + delay_after(int(row[0]), subject.limit) - now)
            if wait > 0:
                return wait
            for subject in subjects:
                tx.execute(
                    "INSERT INTO sign_in_failures (subject, failures, last_failure_at) VALUES (?, 1, ?)"
                    " ON CONFLICT (subject) DO UPDATE SET failures = sign_in_failures.failures + 1,"
                    " last_failure_at = excluded.last_failure_at",
                    (subject.key, now),
                )
            return 0.0

        wait = await self.database.write(count)
        if wait > 0:
            raise TooManySignInAttempts(max(1, math.ceil(wait)))

    async def succeeded(self, account: str, address: str | None) -> None:
        """The admitted attempt was right: the account starts afresh, the address's failure is taken back."""
        by_account, *by_address = self.subjects(account, address)

        def forget(tx: Transaction) -> None:
            tx.execute("DELETE FROM sign_in_failures WHERE subject = ?", (by_account.key,))
            for subject in by_address:
                tx.execute(
                    "UPDATE sign_in_failures SET failures = failures - 1 WHERE subject = ? AND failures > 0",
                    (subject.key,),
                )

        await self.database.write(forget)
