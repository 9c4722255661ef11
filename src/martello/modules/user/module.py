"""The user context's composition root: wires domain, application, projections and API to the adapters.

Settings (`MTL_*` lower-cased without the prefix): `password_hash_cost` (log2 of scrypt's N, default 17),
`admin_username`, `admin_email`, `admin_password`, `dev_admin` (see `application/bootstrap.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from martello.kernel.ids import new_id
from martello.kernel.module import Module, ModuleContext
from martello.modules.user.api.routes import build_router
from martello.modules.user.application import handlers, queries, sign_in
from martello.modules.user.application.bootstrap import FirstAdmin, ensure_first_admin
from martello.modules.user.application.integration import published_events
from martello.modules.user.application.passwords import DEFAULT_COST, PasswordHasher
from martello.modules.user.application.throttle import SignInThrottle
from martello.modules.user.domain.user import User
from martello.modules.user.projections.accounts import AccountsProjection

log = logging.getLogger("martello.user")

CATCH_UP_SECONDS = 5.0


class UserModule(Module):
    name = "user"

    def __init__(self, context: ModuleContext) -> None:
        super().__init__(context)
        self.passwords = PasswordHasher(_cost(context.settings.get("password_hash_cost")))
        self.users = self.repository(User, published_events)
        self.first_admin = FirstAdmin.from_settings(context.settings)
        self.throttle = SignInThrottle(context.database, context.clock)
        handlers.register(
            self.commands,
            self.users,
            self.passwords,
            new_id,
            clock=context.clock,
            throttle=self.throttle,
            sessions=self.sessions,
        )
        accounts = AccountsProjection()
        queries.register(self.queries, context.database, context.store, self.time_travel(accounts))
        sign_in.register(self.queries, context.database, self.users, self.passwords, self.throttle, self.caught_up)
        self.add_projection(accounts)

    async def init(self) -> None:
        await super().init()
        await self.throttle.setup()

    async def start(self) -> None:
        await super().start()
        if self.passwords.cost < DEFAULT_COST:
            log.warning("password hash cost %d is below the production default %d", self.passwords.cost, DEFAULT_COST)
        await ensure_first_admin(self.commands, self.queries, self.first_admin)

    async def caught_up(self) -> None:
        """Wait (a little) until the read models have seen every event committed so far."""
        head = await self.context.store.head()
        await asyncio.gather(*(runner.wait_for(head, CATCH_UP_SECONDS) for runner in self.projections.values()))

    def routes(self) -> Sequence[object]:
        return (build_router(self),)


def _cost(setting: str | None) -> int:
    if not setting:
        return DEFAULT_COST
    try:
        return int(setting)
    except ValueError:
        raise ValueError(f"MTL_PASSWORD_HASH_COST must be an integer, got {setting!r}") from None
