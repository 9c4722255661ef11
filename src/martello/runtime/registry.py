"""Which modules exist: name -> composition root. The runtime imports modules only through this table."""

from __future__ import annotations

import importlib

from martello.kernel.module import Module

MODULES: dict[str, str] = {
    "user": "martello.modules.user.module:UserModule",
    "catalog": "martello.modules.catalog.module:CatalogModule",
    "warehouse": "martello.modules.warehouse.module:WarehouseModule",
    "cart": "martello.modules.cart.module:CartModule",
    "order": "martello.modules.order.module:OrderModule",
    "analytics": "martello.modules.analytics.module:AnalyticsModule",
}


def module_class(name: str) -> type[Module]:
    path, _, attribute = MODULES[name].partition(":")
    cls: type[Module] = getattr(importlib.import_module(path), attribute)
    return cls
