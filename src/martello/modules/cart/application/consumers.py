"""How the cart learns what it may sell: the catalog's integration events feed its price list.

Each message is applied once: the inbox mark is written in the same transaction as its effect.
"""

from __future__ import annotations

from martello.kernel.bus import MessageBus
from martello.kernel.database import Database, Transaction, mark_handled
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart.application import price_list

CONSUMER = "cart.price-list"


def subscribe(bus: MessageBus, database: Database) -> None:
    async def handle(envelope: Envelope[Event]) -> None:
        def apply(tx: Transaction) -> None:
            if mark_handled(tx, CONSUMER, envelope.message_id):
                price_list.learn(tx, envelope)

        await database.write(apply)

    bus.subscribe(CONSUMER, price_list.EVENT_TYPES, handle)
