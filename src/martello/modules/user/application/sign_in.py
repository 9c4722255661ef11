"""Signing in: a login and a password for the account a bearer token is issued to.

Guesses are throttled (`throttle.py`) per account and per client address. A hash made with weaker parameters
than the configured ones is upgraded on the way (`PasswordRehashed`): the password is known only now.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError
from martello.kernel.repository import Repository
from martello.modules.user.application.passwords import PasswordHasher
from martello.modules.user.application.throttle import SignInThrottle
from martello.modules.user.domain.errors import InvalidCredentials
from martello.modules.user.domain.user import User

log = logging.getLogger("martello.user")


@dataclass(frozen=True, slots=True)
class Authenticate:
    """Sign-in: `login` is a username or an e-mail address (it has an '@'); `address` is the client's."""

    login: str
    password: str = field(repr=False)
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """Who signed in: what a bearer token is issued for."""

    user_id: str
    username: str
    role: str

    @property
    def roles(self) -> frozenset[str]:
        return frozenset({self.role})


def unknown_login(login: str) -> str:
    """The throttling subject of a login that names no account: a digest, never what was typed (which may be a
    password typed into the wrong field), of bounded length."""
    typed = login.strip().lower().encode("utf-8", "surrogatepass")
    return "login:" + hashlib.sha256(typed).hexdigest()[:32]


def register(
    queries: QueryBus,
    database: Database,
    users: Repository[User],
    passwords: PasswordHasher,
    throttle: SignInThrottle,
    caught_up: Callable[[], Awaitable[None]],
) -> None:
    """`caught_up` waits until the read model has seen every event committed so far."""

    async def credentials(login: str) -> tuple[Account, str] | None:
        key = login.strip().lower()
        column = "email_normalized" if "@" in key else "username_normalized"

        def read(tx: Transaction) -> tuple[Account, str] | None:
            row = tx.execute(
                f"SELECT id, username, role, password_hash FROM user_accounts WHERE {column} = ?", (key,)
            ).fetchone()
            return None if row is None else (Account(row[0], row[1], row[2]), row[3])

        return await database.read(read)

    async def upgrade(account: Account, password: str, stored: str) -> None:
        """Hash the password again with the configured parameters, unless it changed meanwhile."""
        stronger = await passwords.hash(password)

        def rehash(user: User) -> None:
            if user.password_hash == stored:
                user.rehash_password(stronger)

        try:
            await users.change(account.user_id, rehash, MessageContext.new(actor=account.user_id))
        except ConcurrencyError:
            log.info("password hash of user %s not upgraded this time (a concurrent change)", account.user_id)

    @queries.handler
    async def authenticate(query: Authenticate, context: MessageContext) -> Account:
        await caught_up()  # an account registered, or a role changed, a moment ago counts (the head is cheap)
        found = await credentials(query.login)
        subject = found[0].user_id if found is not None else unknown_login(query.login)
        await throttle.admit(subject, query.address)
        if found is None:
            await passwords.verify_nothing(query.password)
            raise InvalidCredentials()
        account, password_hash = found
        if not await passwords.verify(query.password, password_hash):
            raise InvalidCredentials()
        await throttle.succeeded(subject, query.address)
        if passwords.needs_rehash(password_hash):
            await upgrade(account, query.password, password_hash)
        return account
