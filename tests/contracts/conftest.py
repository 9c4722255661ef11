from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.contracts.stores import STORE_FACTORIES, StoreUnderTest


@pytest.fixture(params=sorted(STORE_FACTORIES))
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    async with STORE_FACTORIES[request.param](tmp_path) as under_test:
        yield under_test
