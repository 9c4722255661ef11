"""How the first administrator comes to exist (see docs/user.md).

Nobody can sign up as an admin, and only an admin can make another one, so the module creates the first
one itself when it starts, from its settings (`MTL_ADMIN_USERNAME`, `MTL_ADMIN_EMAIL`, `MTL_ADMIN_PASSWORD`).
Without `MTL_ADMIN_PASSWORD`, a development admin with a well-known password exists unless `MTL_DEV_ADMIN=false`
(and a warning says so on every start). It is idempotent: an account with that username is left as it is,
and the unique keys make two replicas starting at once create it exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from martello.kernel.dispatch import CommandBus, QueryBus
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import InvalidValue, UniqueKeyTaken
from martello.modules.user.application.commands import RegisterUser
from martello.modules.user.application.queries import FindUserByUsername

log = logging.getLogger("martello.user")

DEV_ADMIN_USERNAME = "admin"
DEV_ADMIN_EMAIL = "admin@martello.local"
DEV_ADMIN_PASSWORD = "martello-admin-1"
FALSE = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True, slots=True)
class FirstAdmin:
    username: str
    email: str
    password: str = field(repr=False)
    well_known_password: bool = False
    """True for the development admin, whose password is in the documentation."""

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> FirstAdmin | None:
        """The admin the settings ask for, or None (no password given and `dev_admin` is false)."""
        username = settings.get("admin_username") or DEV_ADMIN_USERNAME
        email = settings.get("admin_email") or DEV_ADMIN_EMAIL
        password = settings.get("admin_password")
        if password:
            return cls(username, email, password)
        if settings.get("dev_admin", "true").strip().lower() in FALSE:
            return None
        return cls(username, email, DEV_ADMIN_PASSWORD, well_known_password=True)


async def ensure_first_admin(commands: CommandBus, queries: QueryBus, admin: FirstAdmin | None) -> None:
    if admin is None:
        log.info("no first admin configured (MTL_ADMIN_PASSWORD unset, MTL_DEV_ADMIN=false)")
        return
    context = MessageContext.new()
    existing = await queries.dispatch(FindUserByUsername(admin.username), context)
    if existing is None:
        await _register(commands, admin, context)
    elif existing["role"] != "admin":
        log.warning("user %r exists and is not an admin: MTL_ADMIN_* does not change existing accounts", admin.username)
    if admin.well_known_password:
        log.warning(
            "DEV ADMIN: MTL_ADMIN_PASSWORD is unset, so the development admin %r with the well-known password %r"
            " is in use. Set MTL_ADMIN_PASSWORD (or MTL_DEV_ADMIN=false) before this shop faces anyone.",
            admin.username,
            admin.password,
        )


async def _register(commands: CommandBus, admin: FirstAdmin, context: MessageContext) -> None:
    command = RegisterUser(
        username=admin.username,
        email=admin.email,
        email_confirmation=admin.email,
        password=admin.password,
        role="admin",
    )
    try:
        result = await commands.dispatch(command, context)
    except InvalidValue as refused:
        raise ValueError(f"the first admin (MTL_ADMIN_*) is refused: {refused.field}: {refused.message}") from None
    except UniqueKeyTaken as taken:
        if taken.kind == "username":
            return  # another replica created it a moment ago
        log.error("cannot create the first admin %r: its %s belongs to another account", admin.username, taken.kind)
        return
    log.info("created the first admin %r (user %s)", admin.username, result.id)
