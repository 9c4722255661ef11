"""Loading and saving the warehouse: its stream starts with its first event, so there is no "create"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from martello.kernel.dispatch import CommandResult
from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError
from martello.kernel.repository import Repository
from martello.modules.warehouse.domain.warehouse import MAIN, Warehouse


class Warehouses:
    def __init__(self, repository: Repository[Warehouse], warehouse_id: str = MAIN) -> None:
        self.repository = repository
        self.warehouse_id = warehouse_id

    @property
    def stream_id(self) -> str:
        return Warehouse.stream_id_for(self.warehouse_id)

    async def as_of(self, *, version: int | None = None, instant: datetime | None = None) -> Warehouse:
        """The warehouse as it was at a version of its stream or at an instant; NotFound before its first event."""
        return await self.repository.load(self.warehouse_id, as_of_version=version, as_of=instant)

    async def change(
        self,
        behaviour: Callable[[Warehouse], None],
        context: MessageContext,
        *,
        inbox: tuple[str, str] | None = None,
    ) -> CommandResult:
        """Load the warehouse (empty if nothing happened yet), apply `behaviour`, append what it recorded.
        Every write goes to one stream, so a concurrent write is expected now and then: retry on fresh state."""
        attempts = self.repository.conflict_retries
        for attempt in range(attempts):
            warehouse = await self.repository.find(self.warehouse_id) or Warehouse(self.warehouse_id)
            behaviour(warehouse)
            if not warehouse.pending_events:
                return CommandResult(warehouse.id, warehouse.version, 0)
            try:
                return await self.repository.save(warehouse, context, inbox=inbox)
            except ConcurrencyError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")
