"""Operating dead letters: listing the messages every module parked, and delivering one again.

A consumer's dead letter is handled again by that consumer (on success its effect and inbox mark commit
and the letter goes); an outbox dead letter is published again on the module's bus.
"""

from __future__ import annotations

from martello.kernel.dead_letters import OUTBOX, DeadLetter, dead_letters
from martello.kernel.errors import NotFound
from martello.runtime.shop import Shop


async def list_dead_letters(shop: Shop) -> list[tuple[str, DeadLetter]]:
    """(module, dead letter) for every parked message, module by module, oldest first."""
    listing = []
    for name, module in shop.modules.items():
        listing += [(name, letter) for letter in await module.context.database.read(dead_letters)]
    return listing


async def redeliver(shop: Shop, letter_id: str) -> tuple[str, DeadLetter]:
    """Deliver a parked message again; raises the handler's error if it fails again (the letter stays)."""
    for name, letter in await list_dead_letters(shop):
        if letter.id != letter_id:
            continue
        module = shop.modules[name]
        if letter.consumer == OUTBOX:
            await module.relay.redeliver(letter)
        elif letter.consumer in module.consumers:
            await module.consumers[letter.consumer].redeliver(letter)
        else:
            raise NotFound(f"the {name} module has no consumer {letter.consumer!r} any more", id=letter_id)
        return name, letter
    raise NotFound(f"no dead letter {letter_id!r}", id=letter_id)


async def dead_letter_counts(shop: Shop) -> dict[tuple[str, str], int]:
    """Parked messages by (module, consumer)."""
    counts: dict[tuple[str, str], int] = {}
    for name, letter in await list_dead_letters(shop):
        counts[(name, letter.consumer)] = counts.get((name, letter.consumer), 0) + 1
    return counts
