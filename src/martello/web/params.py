"""Query and path parameters module APIs share, each with its documented range (see martello.kernel.limits).

Declared once here so every route states the same bounds in the OpenAPI schema and refuses anything outside
them with 422 naming the parameter, before a number too large for the stores reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query

from martello.kernel.limits import MAX_COUNTER, MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_SKU_LENGTH
from martello.kernel.time_travel import PointInTime

NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
"""Ids and filters never hold control characters (PostgreSQL text cannot even hold NUL)."""

MAX_PAGE = 1000
"""The most items one page of a list holds."""

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page: 1 to {MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=MAX_COUNTER, description="Items to skip: 0 to 2^53 - 1")]
AsOfVersion = Annotated[
    int | None, Query(ge=1, le=MAX_COUNTER, description="As of this version of the stream: 1 to 2^53 - 1")
]
AsOf = Annotated[datetime | None, Query(description="As of this ISO-8601 instant")]
MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_COUNTER,
        description="Wait (up to 5 s) until the read model has processed this global position: 0 to 2^53 - 1.",
    ),
]


@dataclass(frozen=True, slots=True)
class Reading:
    """Which state a read answers with: now, or as of a version of the stream or an instant (time travel);
    and the global position its read model must have reached first (read your writes)."""

    at: PointInTime
    min_position: int | None


def reading(as_of_version: AsOfVersion = None, as_of: AsOf = None, min_position: MinPosition = None) -> Reading:
    return Reading(PointInTime(as_of_version, as_of), min_position)


When = Annotated[Reading, Depends(reading)]
"""The `as_of_version`, `as_of` and `min_position` query parameters of a read that can travel in time."""


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


def page(limit: Limit = 100, offset: Offset = 0) -> Page:
    return Page(limit, offset)


Paged = Annotated[Page, Depends(page)]
"""The `limit` and `offset` query parameters of a list."""

Filter = Annotated[
    str | None,
    Query(max_length=MAX_NAME_LENGTH, pattern=NO_CONTROL_CHARACTERS, description="Only items with this value"),
]
IdFilter = Annotated[
    str | None, Query(max_length=MAX_ID_LENGTH, pattern=NO_CONTROL_CHARACTERS, description="Only items of this id")
]

Id = Annotated[
    str,
    Path(max_length=MAX_ID_LENGTH, pattern=NO_CONTROL_CHARACTERS, description=f"At most {MAX_ID_LENGTH} characters"),
]
SkuPath = Annotated[
    str,
    Path(max_length=MAX_SKU_LENGTH, pattern=NO_CONTROL_CHARACTERS, description=f"At most {MAX_SKU_LENGTH} characters"),
]
