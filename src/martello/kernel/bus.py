"""Integration messaging between modules: the bus port and the in-process bus of the monolith."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from martello.kernel.envelope import Envelope, current_correlation
from martello.kernel.events import Event

log = logging.getLogger("martello.bus")

MessageHandler = Callable[[Envelope[Event]], Awaitable[None]]
UndecodableHandler = Callable[[dict[str, Any], str, int], Awaitable[None]]
"""Called with a received message this code cannot decode (as JSON-ready data), the error and the number of
deliveries so far, once a bus gives up on it: the consumer parks it."""


class MessageBus(Protocol):
    async def publish(self, messages: Sequence[Envelope[Event]]) -> None:
        """Deliver (or durably hand over) the messages; raise if that failed, so the outbox retries."""
        ...

    def subscribe(
        self,
        consumer: str,
        types: Collection[str],
        handler: MessageHandler,
        undecodable: UndecodableHandler | None = None,
    ) -> None:
        """Route messages of `types` to `handler`. Replicas of one consumer share its messages. A bus that
        decodes what it receives hands a message it cannot decode to `undecodable` after bounded attempts."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    @property
    def connected(self) -> bool | None:
        """Does the bus reach its server right now? None when there is no server to reach (for readiness)."""
        ...


@dataclass(frozen=True, slots=True)
class _Subscription:
    consumer: str
    types: frozenset[str]
    handler: MessageHandler


class InProcessBus:
    """Delivers each message to every subscribed consumer before `publish` returns.

    The outbox deletes a message only after `publish` returned, so a crash mid-delivery means the
    message is delivered again on restart; consumers make that harmless with their inbox.
    """

    connected: None = None  # nothing to reach: always ready

    def __init__(self, retries: int = 3) -> None:
        self._subscriptions: list[_Subscription] = []
        self._retries = retries

    def subscribe(
        self,
        consumer: str,
        types: Collection[str],
        handler: MessageHandler,
        undecodable: UndecodableHandler | None = None,
    ) -> None:
        # Messages travel as objects here: never undecodable.
        self._subscriptions.append(_Subscription(consumer, frozenset(types), handler))

    async def publish(self, messages: Sequence[Envelope[Event]]) -> None:
        for message in messages:
            for subscription in self._subscriptions:
                if message.type in subscription.types:
                    await self._deliver(subscription, message)

    async def _deliver(self, subscription: _Subscription, message: Envelope[Event]) -> None:
        current_correlation.set(message.correlation_id)
        for attempt in range(1, self._retries + 1):
            try:
                await subscription.handler(message)
                return
            except Exception:
                if attempt == self._retries:
                    raise
                log.warning("%s failed on %s (attempt %d); retrying", subscription.consumer, message.type, attempt)
                await asyncio.sleep(0.05 * attempt)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass
