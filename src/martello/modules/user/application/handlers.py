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
"""

from __future__ import annotations

from martello.kernel.dispatch import CommandBus, CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.ids import IdProvider
from martello.kernel.repository import Repository
from martello.modules.user.application.commands import ChangeProfile, ChangeRole, RegisterUser
from martello.modules.user.application.passwords import PasswordHasher
from martello.modules.user.domain.locale import Locale
from martello.modules.user.domain.user import User
from martello.modules.user.domain.values import EmailAddress, Password, Role, Username, display_name, unique_keys


def register(commands: CommandBus, users: Repository[User], passwords: PasswordHasher, new_id: IdProvider) -> None:
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
        role = Role.parse(command.role)
        return await users.change(
            command.user_id,
            lambda user: user.change_role(role, by=context.actor),
            context,
            expected_version=command.expected_version,
        )
