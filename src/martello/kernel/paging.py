"""One page of a read model's rows: optional equality filters, a stable order, LIMIT and OFFSET."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from martello.kernel.database import Transaction


def select_page(
    tx: Transaction, select: str, where: Mapping[str, object | None], order_by: str, limit: int, offset: int
) -> list[Any]:
    """The rows of `select` (`SELECT <columns> FROM <table>`) whose columns equal the values in `where` (a None
    value filters nothing), ordered by `order_by`: `limit` of them after skipping `offset`. Column and table names
    come from the caller's code, never from input; the values are bound parameters."""
    wanted = {column: value for column, value in where.items() if value is not None}
    clause = f" WHERE {' AND '.join(f'{column} = ?' for column in wanted)}" if wanted else ""
    return tx.execute(
        f"{select}{clause} ORDER BY {order_by} LIMIT ? OFFSET ?", (*wanted.values(), limit, offset)
    ).fetchall()
