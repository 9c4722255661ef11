"""Is every live read model exactly what replaying its module's log gives?

For each module, its projections are replayed from the module's PostgreSQL log into a scratch
SQLite database, and every table is compared, row for row, with the live one the services built.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.adapters.sqlite import SqliteDatabase
from martello.kernel.bus import InProcessBus
from martello.kernel.module import ModuleContext
from martello.kernel.projection import ProjectionRunner
from martello.runtime.registry import module_class
from tests.distributed.purchase import eventually

Tables = dict[str, list[tuple[Any, ...]]]


def _normal(rows: list[Any]) -> list[tuple[Any, ...]]:
    """Rows in one order, with booleans as the integers SQLite stores."""
    normal = [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]
    return sorted(normal, key=repr)


async def live_and_rebuilt(store_url: str, schema: str, module: str, scratch: Path) -> tuple[Tables, Tables]:
    """Every projection table of `module`: as the services keep it, and as a replay of the log gives it."""
    live = PostgresDatabase(store_url, schema, pool_size=1)
    store = PostgresEventStore(live)
    rebuilt = SqliteDatabase(scratch / f"{schema}.db")
    try:
        context = ModuleContext(name=module, store=store, database=rebuilt, bus=InProcessBus())  # type: ignore[arg-type]
        projections = [runner.projection for runner in module_class(module)(context).projections.values()]
        actual: Tables = {}
        expected: Tables = {}
        for projection in projections:
            runner = ProjectionRunner(projection, store, rebuilt)
            await runner.setup()
            await runner.catch_up()
            for table in projection.tables:
                query = f"SELECT * FROM {table}"
                actual[table] = _normal(await live.read(lambda tx, q=query: tx.execute(q).fetchall()))
                expected[table] = _normal(await rebuilt.read(lambda tx, q=query: tx.execute(q).fetchall()))
        return actual, expected
    finally:
        await store.close()
        live.close()
        rebuilt.close()


async def assert_read_models_equal_a_rebuild(
    store_url: str, namespace: str, scratch: Path, modules: Iterable[str]
) -> None:
    """The read models of every module that ran (`modules`) equal a rebuild (waiting, boundedly, for the live
    ones to catch up)."""
    attempts = iter(range(1_000_000))
    for module in modules:

        async def compared(module: str = module) -> bool | None:
            scratch_directory = scratch / str(next(attempts))
            live, rebuilt = await live_and_rebuilt(store_url, namespace + module, module, scratch_directory)
            return True if live == rebuilt else None

        await eventually(compared, f"the {module} read models equal a rebuild from the {module} log")
