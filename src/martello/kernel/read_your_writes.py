"""Read your own writes: a query that names a log position waits until its read models have reached it.

A command answers with the position of the last event it wrote; a client passes it back as `min_position`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from martello.kernel.errors import InvalidValue, ReadModelBehind
from martello.kernel.projection import ProjectionRunner

READ_WAIT_SECONDS = 5.0


async def wait_for_position(runners: Iterable[ProjectionRunner], position: int | None) -> None:
    """Hold a query until every given projection has reached `position` (`ReadModelBehind` if that takes
    longer than READ_WAIT_SECONDS); a position past the end of the log is an invalid `min_position`."""
    if not position:
        return
    runners = list(runners)
    if any(runner.position < position for runner in runners):
        stores = {id(runner.store): runner.store for runner in runners}.values()
        head = max(await asyncio.gather(*(store.head() for store in stores)))
        if position > head:  # never written: waiting could not help
            raise InvalidValue("min_position", f"position {position} has not been written; the log ends at {head}")
    reached = await asyncio.gather(*(runner.wait_for(position, READ_WAIT_SECONDS) for runner in runners))
    if not all(reached):
        raise ReadModelBehind(
            f"the read model has not reached position {position} within {READ_WAIT_SECONDS:g}s; retry later",
            min_position=position,
        )
