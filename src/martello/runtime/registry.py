"""Which modules exist: the one list of them, name -> composition root.

Adding a module is one line here plus its folder `martello/modules/<name>/`: the settings
(`MTL_MODULES`), both topologies, the demo, and the deployment files (checked against this table by
`tests/runtime/test_deployment.py`) all take the list from here. The runtime imports modules only
through this table, in this order (a module's dependencies come before it).
"""

from __future__ import annotations

import importlib
from collections.abc import Collection

from martello.kernel.module import Module

MODULES: dict[str, str] = {
    "user": "martello.modules.user.module:UserModule",
    "catalog": "martello.modules.catalog.module:CatalogModule",
    "warehouse": "martello.modules.warehouse.module:WarehouseModule",
    "cart": "martello.modules.cart.module:CartModule",
    "order": "martello.modules.order.module:OrderModule",
    "analytics": "martello.modules.analytics.module:AnalyticsModule",
}

MODULE_NAMES: tuple[str, ...] = tuple(MODULES)


def module_class(name: str) -> type[Module]:
    path, _, attribute = MODULES[name].partition(":")
    cls: type[Module] = getattr(importlib.import_module(path), attribute)
    return cls


def in_order(names: Collection[str]) -> list[str]:
    """The named modules that exist, in the registry's order."""
    return [name for name in MODULES if name in names]
