"""Queries: answered from the accounts read model, or (time travel, history) from the account's event stream.

An account is visible to its owner and to administrators; for anyone else it does not exist (404, exactly
as for an unknown id, so ids reveal nothing)."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.store import EventStore
from martello.modules.user.domain.user import User


@dataclass(frozen=True, slots=True)
class GetUser:
    """One account: the caller's own, or anyone's for an administrator (others get 404, not a 403 that
    would confirm the id exists). Now, or as of a version of its stream or an instant."""

    user_id: str
    as_of_version: int | None = None
    as_of: datetime | None = None

    @property
    def travels(self) -> bool:
        return self.as_of_version is not None or self.as_of is not None


@dataclass(frozen=True, slots=True)
class GetUserHistory:
    """The account's events with their envelopes, oldest first (the owner or an administrator). They are
    the stored facts; `Envelope.describe()` redacts the secret fields (the password hash) for people."""

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


def account_as_of(user: User, created_at: datetime, updated_at: datetime) -> dict[str, Any]:
    """The same view as the read model's, from an account folded to a point in its history. The aggregate
    knows no times (its rules need none): they are its first and last event's timestamps."""
    locale = None if user.locale is None else str(user.locale)
    row = (user.id, user.username, user.email, user.role.value, user.display_name, locale, user.version)
    return _user((*row, created_at.isoformat(), updated_at.isoformat()))


def _one(database: Database, where: str, value: str) -> Awaitable[dict[str, Any] | None]:
    def read(tx: Transaction) -> dict[str, Any] | None:
        row = tx.execute(f"SELECT {USER_COLUMNS} FROM user_accounts WHERE {where} = ?", (value,)).fetchone()
        return None if row is None else _user(row)

    return database.read(read)


def register(queries: QueryBus, database: Database, store: EventStore) -> None:
    def visible(user_id: str, context: MessageContext) -> bool:
        return context.is_admin or context.actor == user_id

    async def stream_of(
        user_id: str, context: MessageContext, to_version: int | None = None, until: datetime | None = None
    ) -> list[Envelope[Event]]:
        """The account's events (up to a version or an instant), or none if the caller may not see it."""
        if not visible(user_id, context):
            return []
        return await store.read_stream(User.stream_id_for(user_id), to_version=to_version, until=until)

    @queries.handler
    async def get_user(query: GetUser, context: MessageContext) -> dict[str, Any]:
        if query.travels:
            envelopes = await stream_of(query.user_id, context, query.as_of_version, query.as_of)
            if not envelopes:
                raise NotFound(f"user {query.user_id} does not exist at that point in time", id=query.user_id)
            user = User.replay(query.user_id, (envelope.event for envelope in envelopes))
            return account_as_of(user, envelopes[0].timestamp, envelopes[-1].timestamp)
        view = await _one(database, "id", query.user_id) if visible(query.user_id, context) else None
        if view is None:
            raise NotFound(f"user {query.user_id} does not exist", id=query.user_id)
        return view

    @queries.handler
    async def get_user_history(query: GetUserHistory, context: MessageContext) -> list[Envelope[Event]]:
        envelopes = await stream_of(query.user_id, context)
        if not envelopes:
            raise NotFound(f"user {query.user_id} does not exist", id=query.user_id)
        return envelopes

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
