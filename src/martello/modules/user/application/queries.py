"""Queries: answered from the accounts read model; history from the account's event stream. Time travel
(`as_of_version` / `as_of`) asks the same query of the accounts read model replayed from the account's events
up to that point (`kernel/time_travel.py`).

An account is visible to its owner and to administrators; for anyone else it does not exist (404, exactly
as for an unknown id, so ids reveal nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from martello.kernel.database import Database, Transaction
from martello.kernel.dispatch import QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.paging import select_page
from martello.kernel.store import EventStore
from martello.kernel.time_travel import NOW, PointInTime, TimeTravel
from martello.modules.user.domain.user import User


@dataclass(frozen=True, slots=True)
class GetUser:
    """One account: the caller's own, or anyone's for an administrator (others get 404, not a 403 that
    would confirm the id exists). Now, or as of a version of its stream or an instant."""

    user_id: str
    at: PointInTime = NOW


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


def account_view(tx: Transaction, where: str, value: str) -> dict[str, Any] | None:
    """One account from the accounts read model (the live one, or one replayed to a point in the account's
    history), by `id` or `username_normalized`; None if it is not there."""
    row = tx.execute(f"SELECT {USER_COLUMNS} FROM user_accounts WHERE {where} = ?", (value,)).fetchone()
    return None if row is None else _user(row)


def register(queries: QueryBus, database: Database, store: EventStore, past: TimeTravel) -> None:
    def visible(user_id: str, context: MessageContext) -> bool:
        return context.is_admin or context.actor == user_id

    @queries.handler
    async def get_user(query: GetUser, context: MessageContext) -> dict[str, Any]:
        absent = NotFound(f"user {query.user_id} does not exist{query.at.said}", id=query.user_id)
        if not visible(query.user_id, context):
            raise absent
        read = partial(account_view, where="id", value=query.user_id)
        view = await past.now_or_then(database, User.stream_id_for(query.user_id), read, query.at, absent)
        if view is None:
            raise absent
        return view

    @queries.handler
    async def get_user_history(query: GetUserHistory, context: MessageContext) -> list[Envelope[Event]]:
        stream_id = User.stream_id_for(query.user_id)
        envelopes = await store.read_stream(stream_id) if visible(query.user_id, context) else []
        if not envelopes:
            raise NotFound(f"user {query.user_id} does not exist", id=query.user_id)
        return envelopes

    @queries.handler
    async def find_user_by_username(query: FindUserByUsername, context: MessageContext) -> dict[str, Any] | None:
        read = partial(account_view, where="username_normalized", value=query.username.strip().lower())
        return await database.read(read)

    @queries.handler
    async def list_users(query: ListUsers, context: MessageContext) -> list[dict[str, Any]]:
        def read(tx: Transaction) -> list[dict[str, Any]]:
            select, role = f"SELECT {USER_COLUMNS} FROM user_accounts", query.role or None
            rows = select_page(tx, select, {"role": role}, "id", query.limit, query.offset)
            return [_user(row) for row in rows]

        return await database.read(read)
