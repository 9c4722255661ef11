"""Command handlers: load one user, call one behaviour, append what it recorded.

Set validation (no two accounts share a username or an e-mail address) is the classic hard case of an
event-sourced system: each account is its own stream, and nothing in one stream sees the others. Checking a
read model before registering ("is this e-mail taken?") is not enough: two sign-ups for the same address can
both pass the check before either is projected, and the read model lags anyway. Instead the account claims
its keys (`values.unique_keys`: the lower-cased username and e-mail) in the event store itself, in the same
transaction that appends its `UserRegistered` event: a key already claimed by another stream aborts the whole
append with `UniqueKeyTaken` (answered 409 `already-taken`, naming the kind), so exactly one of two racing
sign-ups wins and nothing of the loser is stored. The claims live next to the events (one table of the
module's store), so it holds in both topologies and across replicas.

A change that revokes the user's tokens (role, password, sign-out) is also recorded in the module's own
`token_revocations` table right after it is stored, before the command returns, so the user module refuses
the old tokens at once; other modules learn it from the published `TokensRevoked` (see `kernel/sessions.py`).
Should the process stop in between, the user module's own consumer of that event records it when relayed.
"""

from __future__ import annotations

from martello.kernel.clock import Clock
from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import InvalidValue
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.kernel.sessions import TokenRevocations, instant
from martello.modules.user.application.commands import ChangePassword, ChangeProfile, ChangeRole, RegisterUser, SignOut
from martello.modules.user.application.passwords import PasswordHasher
from martello.modules.user.application.throttle import SignInThrottle
from martello.modules.user.domain.errors import WrongPassword
from martello.modules.user.domain.locale import Locale
from martello.modules.user.domain.user import User
from martello.modules.user.domain.values import EmailAddress, Password, Role, Username, display_name, unique_keys


def register(
    commands: CommandBus,
    users: Repository[User],
    passwords: PasswordHasher,
    new_id: IdProvider,
    *,
    clock: Clock,
    throttle: SignInThrottle,
    sessions: TokenRevocations,
) -> None:
    async def revoking(user_id: str, result: CommandResult, at: float) -> CommandResult:
        if result.position:  # something was recorded
            await sessions.revoke(user_id, at)
        return result

    @commands.handler
    async def register_user(command: RegisterUser, context: MessageContext) -> CommandResult:
        username = Username.parse(command.username)
        email = EmailAddress.confirmed(command.email, command.email_confirmation)
        password = Password.chosen(command.password, username, email)
        role = Role.parse(command.role)
        user = User.register(new_id(), username, email, await passwords.hash(password.plain), role)
        return await users.create(user, context, unique=unique_keys(username, email))

    @commands.handler
    async def change_profile(command: ChangeProfile, context: MessageContext) -> CommandResult:
        name, locale = display_name(command.display_name), Locale.parse(command.locale)
        return await users.change(
            command.user_id,
            lambda user: user.change_profile(name, locale),
            context,
            expected_version=command.expected_version,
        )

    @commands.handler
    async def change_role(command: ChangeRole, context: MessageContext) -> CommandResult:
        role, now = Role.parse(command.role), clock.now()
        result = await users.change(
            command.user_id,
            lambda user: user.change_role(role, by=context.actor, at=now),
            context,
            expected_version=command.expected_version,
        )
        return await revoking(command.user_id, result, instant(now))

    @commands.handler
    async def change_password(command: ChangePassword, context: MessageContext) -> CommandResult:
        """Throttled like a sign-in: the current password proves it is the user, not a stolen token."""
        user = await users.load(command.user_id)
        await throttle.admit(user.id, command.address)
        if not await passwords.verify(command.current_password, user.password_hash):
            raise WrongPassword("current_password")
        await throttle.succeeded(user.id, command.address)
        try:
            chosen = Password.chosen(command.new_password, Username(user.username), EmailAddress(user.email))
        except InvalidValue as weak:
            raise InvalidValue("new_password", weak.message) from None
        new_hash, now = await passwords.hash(chosen.plain), clock.now()
        result = await users.change(
            command.user_id,
            lambda user: user.change_password(new_hash, at=now),
            context,
            expected_version=command.expected_version,
        )
        return await revoking(command.user_id, result, instant(now))

    @commands.handler
    async def sign_out(command: SignOut, context: MessageContext) -> CommandResult:
        now = clock.now()
        result = await users.change(command.user_id, lambda user: user.sign_out(at=now), context)
        return await revoking(command.user_id, result, instant(now))
