"""How the cart learns what it may sell: the catalog's integration events feed its price list.

Each message is applied once: the inbox mark is written in the same transaction as its effect. One that
cannot be applied is retried, then parked (`kernel/consumer.py`).
"""

from __future__ import annotations

from martello.kernel.consumer import Consumer, on
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event
from martello.modules.cart.application import price_list
from martello.modules.catalog.contracts import ProductBecameSellable, ProductWithdrawn, SellableProductRepriced


class PriceListFeed(Consumer):
    name = "cart.price-list"

    @on(ProductBecameSellable, SellableProductRepriced, ProductWithdrawn)
    async def _catalog_changed(self, envelope: Envelope[Event]) -> None:
        await self.apply(envelope, lambda tx: price_list.learn(tx, envelope))
