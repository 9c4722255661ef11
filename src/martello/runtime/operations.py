"""Operating a shop: projection status and rebuilds, stream history, a live tail of the log.

Used by the CLI (on the data directory, even while the shop runs in another process) and by the
admin HTTP endpoints under /api/v1/ops.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Collection
from dataclasses import asdict, dataclass
from typing import Any

from martello.kernel.envelope import Envelope
from martello.kernel.errors import NotFound
from martello.kernel.events import Event
from martello.kernel.projection import ProjectionRunner, read_checkpoint
from martello.kernel.rebuild import Progress, rebuild_projection
from martello.kernel.stalls import Stall, read_stalls
from martello.kernel.store import EventStore, UndecodableRow
from martello.runtime.shop import Shop

LAG_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class ProjectionStatus:
    module: str
    name: str
    checkpoint: int
    head: int
    lag: int
    """Events after the checkpoint that this projection reads (events of other types do not count),
    counted up to `LAG_COUNT_LIMIT`."""
    stall: Stall | None = None
    """Where and why it stopped, when it met an event it cannot apply."""

    @property
    def status(self) -> str:
        """`stalled` (stopped at an event it cannot apply), `caught-up` (nothing to apply) or `running`."""
        if self.stall is not None:
            return "stalled"
        return "caught-up" if self.lag == 0 else "running"

    def describe(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status, "stall": self.stall.describe() if self.stall else None}


async def projection_status(shop: Shop) -> list[ProjectionStatus]:
    report = []
    for module_name, module in shop.modules.items():
        store = module.context.store
        head = await store.head()
        stalls = await module.context.database.read(read_stalls)
        for name, runner in module.projections.items():
            checkpoint = await module.context.database.read(functools.partial(_checkpoint, name=name))
            unapplied = await count_unapplied(store, checkpoint, runner.projection.event_types)
            report.append(ProjectionStatus(module_name, name, checkpoint, head, unapplied, stalls.get(name)))
    return report


async def stalled_projections(shop: Shop) -> list[dict[str, Any]]:
    """Every stalled projection of the shop's modules, with where and why it stopped."""
    stalled = []
    for module_name, module in shop.modules.items():
        for name, stall in sorted((await module.context.database.read(read_stalls)).items()):
            if name in module.projections:
                stalled.append({"module": module_name, "name": name, **stall.describe()})
    return stalled


async def count_unapplied(store: EventStore, after: int, types: Collection[str]) -> int:
    """Events of `types` after `after`, up to `LAG_COUNT_LIMIT`, readable or not."""
    count = 0
    while count < LAG_COUNT_LIMIT:
        try:
            return count + len(await store.read_all(after, LAG_COUNT_LIMIT - count, types))
        except UndecodableRow as poison:
            count += len(poison.decoded) + 1
            after = poison.key
    return count


def _checkpoint(tx: Any, name: str) -> int:
    try:
        return read_checkpoint(tx, name)
    except Exception:  # the checkpoints table does not exist before the module's first start
        return 0


def find_projection(shop: Shop, name: str) -> tuple[str, Any]:
    for module_name, module in shop.modules.items():
        if name in module.projections:
            return module_name, module.projections[name]
    known = ", ".join(n for m in shop.modules.values() for n in m.projections)
    raise NotFound(f"no projection named {name!r}; known: {known}", name=name)


async def rebuild(shop: Shop, name: str, progress: Progress | None = None) -> int:
    """Rebuild one projection from its module's log and swap it in atomically; return its position."""
    module_name, runner = find_projection(shop, name)
    module = shop.modules[module_name]
    async with shop.scratch(module_name) as scratch:
        return await rebuild_projection(
            runner.projection, module.context.store, module.context.database, scratch, progress=progress
        )


async def retry(shop: Shop, name: str) -> tuple[ProjectionRunner, Stall | None]:
    """Resume a stalled projection (after an upcaster or a fix): apply from the event it stopped at and catch
    up. Returns the runner and its new stall, if it still cannot apply that event (or a later one)."""
    _, runner = find_projection(shop, name)
    if not shop.started:  # the CLI, on a shop's storage: this process has not set the runner up
        await runner.setup()
    return runner, await runner.retry()


async def stream_history(shop: Shop, stream_id: str) -> tuple[str, list[Envelope[Event]]]:
    """Every event of a stream with its envelope, and the module that holds it."""
    for module_name, module in shop.modules.items():
        envelopes = await module.context.store.read_stream(stream_id)
        if envelopes:
            return module_name, envelopes
    raise NotFound(f"no stream {stream_id!r} in any module", stream_id=stream_id)


async def tail(
    shop: Shop,
    modules: Collection[str] | None = None,
    types: Collection[str] | None = None,
    *,
    from_start: bool = False,
    poll: float = 0.5,
) -> AsyncIterator[tuple[str, Envelope[Event]]]:
    """Yield (module, envelope) for every event appended from now on (or from the start)."""
    selected = {n: m for n, m in shop.modules.items() if not modules or n in modules}
    positions = {n: 0 if from_start else await m.context.store.head() for n, m in selected.items()}
    while True:
        quiet = True
        for name, module in selected.items():
            batch = await module.context.store.read_all(positions[name], 500, types)
            if batch:
                quiet = False
                positions[name] = batch[-1].position
                for envelope in batch:
                    yield name, envelope
        if quiet:
            await asyncio.sleep(poll)
