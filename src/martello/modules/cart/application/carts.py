"""Loading and saving a user's carts: the stream starts with the user's first command, so there is no "create"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from martello.kernel.dispatch import CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError
from martello.kernel.repository import Repository
from martello.modules.cart.domain.cart import Cart

Behaviour = Callable[[Cart], Awaitable[None]]
"""Changes the cart; async because it may first look prices up."""


class Carts:
    def __init__(self, repository: Repository[Cart]) -> None:
        self.repository = repository

    async def change(
        self, user_id: str, behaviour: Behaviour, context: MessageContext, *, expected_version: int | None = None
    ) -> CommandResult:
        """Load the user's carts (none yet: a fresh aggregate), apply `behaviour`, append what it recorded.
        With an `expected_version` a stale caller gets a `ConcurrencyError`; without one a concurrent
        write is retried on fresh state. The result's id is the cart's id."""
        attempts = 1 if expected_version is not None else self.repository.conflict_retries
        for attempt in range(attempts):
            cart = await self.repository.find(user_id) or Cart(user_id)
            if expected_version is not None and cart.version != expected_version:
                raise ConcurrencyError(cart.stream_id, expected_version, cart.version)
            await behaviour(cart)
            if not cart.pending_events:
                return CommandResult(cart.cart_id or "", cart.version, 0)
            try:
                result = await self.repository.save(cart, context)
            except ConcurrencyError:
                if attempt == attempts - 1:
                    raise
                continue
            return CommandResult(cart.cart_id or "", result.stream_version, result.position)
        raise AssertionError("unreachable")
