"""What can be asked of the catalog: create one, or change one through one of its behaviours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from martello.modules.catalog.domain.catalog import Catalog


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateCatalog:
    name: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeCatalog:
    """Run one behaviour of an existing catalog (`Catalog.approve`, `lambda catalog: catalog.rename(name)`)
    and append what it recorded. A stale `expected_version` (the version the caller last saw) is refused."""

    catalog_id: str
    change: Callable[[Catalog], None]
    expected_version: int | None = None
