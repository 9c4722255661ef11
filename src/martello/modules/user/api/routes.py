"""The user HTTP API, mounted under /api/v1/user: sign up, sign in and out, change the password, own profile
(now, as of the past, and its history of events, secret fields such as the password hash redacted), and user
admin. Sign-in and password changes are throttled per account and client address (429 with Retry-After)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from martello.kernel.envelope import MessageContext
from martello.kernel.errors import InvalidValue
from martello.kernel.limits import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_LOCALE_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
)
from martello.modules.user.api.schemas import SessionOut, UserOut
from martello.modules.user.application.commands import (
    ChangePassword,
    ChangeProfile,
    ChangeRole,
    RegisterUser,
    SignOut,
)
from martello.modules.user.application.queries import GetUser, GetUserHistory, ListUsers
from martello.modules.user.application.sign_in import Account, Authenticate
from martello.modules.user.domain.user import User as UserAccount
from martello.web.auth import Admin, TokenService, User
from martello.web.commands import CommandAccepted, Context, Expecting, Strict
from martello.web.history import HistoryOut
from martello.web.module_api import ModuleApi
from martello.web.params import Filter, Id, MinPosition, Paged, When

# Padding around a username or an e-mail address is trimmed, so the schema allows a little more than the value.
_PADDED_USERNAME = MAX_USERNAME_LENGTH + 32
_PADDED_EMAIL = MAX_EMAIL_LENGTH + 32


class SignUpIn(Strict):
    """Sign-up keeps the original API's camelCase field name `emailConfirmation`."""

    username: str = Field(
        max_length=_PADDED_USERNAME, description="3-32 letters, digits, '.', '_' or '-'; unique, ignoring case"
    )
    email: str = Field(max_length=_PADDED_EMAIL, description="Unique, ignoring case; at most 254 characters")
    email_confirmation: str = Field(
        alias="emailConfirmation", max_length=_PADDED_EMAIL, description="The same e-mail address again"
    )
    password: str = Field(
        repr=False,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 10 characters with a letter and a digit, not counting the username or e-mail name",
    )


class SignInIn(Strict):
    username: str | None = Field(default=None, max_length=_PADDED_EMAIL, description="A username or an e-mail address")
    email: str | None = Field(default=None, max_length=_PADDED_EMAIL, description="Alternatively, the e-mail address")
    password: str = Field(repr=False, max_length=MAX_PASSWORD_LENGTH)


class ProfileIn(Expecting):
    display_name: str | None = Field(
        default=None,
        max_length=MAX_DISPLAY_NAME_LENGTH + 32,
        description="How to address the user (at most 100 characters once trimmed); omitted or blank: none",
    )
    locale: str = Field(
        max_length=MAX_LOCALE_LENGTH,
        description="POSIX locale: language[_TERRITORY][.codeset][@modifier], e.g. de_DE.UTF-8",
    )


class RoleIn(Expecting):
    role: str = Field(max_length=16, description="customer or admin")


class PasswordChangeIn(Expecting):
    current_password: str = Field(repr=False, max_length=MAX_PASSWORD_LENGTH, description="The account's password now")
    new_password: str = Field(
        repr=False,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 10 characters with a letter and a digit, not counting the username or e-mail name",
    )


def build_router(module: Any) -> APIRouter:
    """`module` is the UserModule: its command and query buses and its projection runners.
    Signing up and in is public; the profile needs a token; listing users and changing roles needs an admin."""
    router = APIRouter(prefix="/api/v1/user", tags=["user"])
    api = ModuleApi(module)

    def session(request: Request, user_id: str, roles: frozenset[str], issued_at: float) -> SessionOut:
        tokens: TokenService = request.app.state.tokens
        token, expires = tokens.issue(user_id, roles, now=issued_at)
        return SessionOut(
            access_token=token, expires_at=datetime.fromtimestamp(expires, UTC), user_id=user_id, roles=sorted(roles)
        )

    def client_address(request: Request) -> str | None:
        return request.client.host if request.client is not None else None

    async def history_of(user_id: Id, context: MessageContext) -> HistoryOut:
        return await api.history(UserAccount.stream_id_for(user_id), GetUserHistory(user_id), context)

    @router.post("/users", status_code=201, response_model=CommandAccepted, summary="Sign up")
    async def sign_up(body: SignUpIn, context: Context) -> CommandAccepted:
        command = RegisterUser(**body.model_dump())
        return await api.accepted(command, context)

    @router.post("/sessions", response_model=SessionOut, summary="Sign in for a bearer token")
    async def sign_in(body: SignInIn, request: Request, context: Context) -> SessionOut:
        if body.username is not None and body.email is not None:
            raise InvalidValue("email", "give a username or an e-mail address, not both")
        login = body.username if body.username is not None else body.email
        if not login:
            raise InvalidValue("username", "give a username (or an e-mail address)")
        # The token counts as issued before the account is read: should a revoking change (a demotion) commit
        # while this sign-in reads the old state, the token is older than the revocation and refused with it.
        issued_at = request.app.state.tokens.now()
        query = Authenticate(login, body.password, client_address(request))
        account: Account = await api.ask(query, context)
        return session(request, account.user_id, account.roles, issued_at)

    @router.delete(
        "/sessions/current",
        status_code=204,
        response_class=Response,
        summary="Sign out: every token of the signed-in user issued until now stops counting, in every module",
    )
    async def sign_out(principal: User, context: Context) -> Response:
        await api.commands.dispatch(SignOut(user_id=principal.user_id), context)
        return Response(status_code=204)

    @router.post(
        "/users/me/password",
        response_model=SessionOut,
        summary="Change the signed-in user's password (ends every other session; answers a new token)",
    )
    async def change_password(
        body: PasswordChangeIn, principal: User, request: Request, context: Context
    ) -> SessionOut:
        command = ChangePassword(**body.model_dump(), user_id=principal.user_id, address=client_address(request))
        await api.commands.dispatch(command, context)
        # The roles of the caller's token are current: a role change would have revoked it.
        return session(request, principal.user_id, principal.roles, request.app.state.tokens.now())

    @router.get("/me", response_model=UserOut, summary="The signed-in user's account, now or as of the past")
    async def me(principal: User, context: Context, when: When) -> Any:
        return await api.ask(GetUser(principal.user_id, when.at), context, when.min_position)

    @router.get("/me/history", response_model=HistoryOut, summary="The signed-in user's account events")
    async def my_history(principal: User, context: Context) -> HistoryOut:
        return await history_of(principal.user_id, context)

    @router.put("/me/profile", response_model=CommandAccepted, summary="Change the signed-in user's profile")
    async def change_profile(body: ProfileIn, principal: User, context: Context) -> CommandAccepted:
        command = ChangeProfile(**body.model_dump(), user_id=principal.user_id)
        return await api.accepted(command, context)

    @router.get("/users", response_model=list[UserOut], summary="List users (admin)")
    async def list_users(
        context: Context, _: Admin, page: Paged, role: Filter = None, min_position: MinPosition = None
    ) -> Any:
        return await api.ask(ListUsers(role, page.limit, page.offset), context, min_position)

    @router.get(
        "/users/{user_id}", response_model=UserOut, summary="One user (yourself, or anyone for an admin), now or then"
    )
    async def get_user(user_id: Id, context: Context, _: User, when: When) -> Any:
        return await api.ask(GetUser(user_id, when.at), context, when.min_position)

    @router.get(
        "/users/{user_id}/history",
        response_model=HistoryOut,
        summary="A user's account events (yourself, or anyone for an admin); the password hash is redacted",
    )
    async def user_history(user_id: Id, context: Context, _: User) -> HistoryOut:
        return await history_of(user_id, context)

    @router.post("/users/{user_id}/role", response_model=CommandAccepted, summary="Change a user's role (admin)")
    async def change_role(user_id: Id, body: RoleIn, context: Context, _: Admin) -> CommandAccepted:
        return await api.accepted(ChangeRole(**body.model_dump(), user_id=user_id), context)

    return router
