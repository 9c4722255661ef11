"""Queries: answered from the accounts read model only, never from the aggregates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import NotFound
from martello.modules.user.application.passwords import PasswordHasher
from martello.modules.user.domain.errors import InvalidCredentials


@dataclass(frozen=True, slots=True)
class Authenticate:
    """Sign-in: `login` is a username or an e-mail address (it has an '@')."""

    login: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Account:
    """Who signed in: what a bearer token is issued for."""

    user_id: str
    username: str
    role: str

    @property
    def roles(self) -> frozenset[str]:
        return frozenset({self.role})


@dataclass(frozen=True, slots=True)
class GetUser:
    """One account: the caller's own, or anyone's for an administrator (others get 404, not a 403 that
    would confirm the id exists)."""

    user_id: str


@dataclass(frozen=True, slots=True)
class FindUserByUsername:
    """For the system (the first-admin bootstrap): the account with this username, or None."""

    username: str


@dataclass(frozen=True, slots=True)
class ListUsers:
    role: str | None = None
    limit: int = 100
    offset: int = 0


USER_COLUMNS = "id, username, email, role, display_name, locale, version, created_at, updated_at"


def _user(row: Any) -> dict[str, Any]:
    id_, username, email, role, display_name, locale, version, created, updated = row
    return {
        "id": id_,
        "username": username,
        "email": email,
        "role": role,
        "display_name": display_name,
        "locale": locale,
        "version": version,
        "created_at": created,
        "updated_at": updated,
    }


def _one(database: Database, where: str, value: str) -> Awaitable[dict[str, Any] | None]:
    def read(tx: Transaction) -> dict[str, Any] | None:
        row = tx.execute(f"SELECT {USER_COLUMNS} FROM user_accounts WHERE {where} = ?", (value,)).fetchone()
        return None if row is None else _user(row)

    return database.read(read)


def register(
    queries: QueryBus, database: Database, passwords: PasswordHasher, caught_up: Callable[[], Awaitable[None]]
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

    @queries.handler
    async def authenticate(query: Authenticate, context: MessageContext) -> Account:
        await caught_up()  # an account registered, or a role changed, a moment ago counts (the head is cheap)
        found = await credentials(query.login)
        if found is None:
            await passwords.verify_nothing(query.password)
            raise InvalidCredentials()
        account, password_hash = found
        if not await passwords.verify(query.password, password_hash):
            raise InvalidCredentials()
        return account

    @queries.handler
    async def get_user(query: GetUser, context: MessageContext) -> dict[str, Any]:
        visible = context.is_admin or context.actor == query.user_id
        view = await _one(database, "id", query.user_id) if visible else None
        if view is None:
            raise NotFound(f"user {query.user_id} does not exist", id=query.user_id)
        return view

    @queries.handler
    async def find_user_by_username(query: FindUserByUsername, context: MessageContext) -> dict[str, Any] | None:
        return await _one(database, "username_normalized", query.username.strip().lower())

    @queries.handler
    async def list_users(query: ListUsers, context: MessageContext) -> list[dict[str, Any]]:
        def read(tx: Transaction) -> list[dict[str, Any]]:
            where, params = ("WHERE role = ?", [query.role]) if query.role else ("", [])
            rows = tx.execute(
                f"SELECT {USER_COLUMNS} FROM user_accounts {where} ORDER BY id LIMIT ? OFFSET ?",
                (*params, query.limit, query.offset),
            ).fetchall()
            return [_user(row) for row in rows]

        return await database.read(read)
