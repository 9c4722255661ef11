"""Shared fixtures: a shop on temporary SQLite files, driven through its real ASGI app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings

from martello.kernel.clock import Clock
from martello.runtime.app import create_app
from martello.runtime.config import ALL_MODULES, Settings
from martello.runtime.shop import Shop

TEST_SECRET = "test-secret-not-for-production"
CHEAP_PASSWORD_HASHING = {"password_hash_cost": "4"}
"""scrypt at N=2^4 instead of the production 2^17: tests hash many passwords. tests/user/test_user_passwords.py
checks the production default itself."""
CI = os.environ.get("CI", "").lower() == "true"

# Tests never assert wall-clock time: no per-example deadline for property tests (a loaded CI machine may pause).
hypothesis_settings.register_profile("martello", deadline=None)
hypothesis_settings.load_profile("martello")


def _no_skips_under_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI=true: nothing may skip, but this did: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI=true a skipped test is a failed one (whatever skipped it), so CI runs everything."""
    outcome = yield
    _no_skips_under_ci(outcome.get_result())  # type: ignore[attr-defined]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """The same for a whole module skipped while it is collected."""
    outcome = yield
    _no_skips_under_ci(outcome.get_result())  # type: ignore[attr-defined]


def shop_settings(data_dir: Path, modules: tuple[str, ...] = ALL_MODULES, **overrides: Any) -> Settings:
    overrides["extra"] = {**CHEAP_PASSWORD_HASHING, **overrides.get("extra", {})}
    return Settings(data_dir=data_dir, modules=modules, auth_secret=TEST_SECRET, **overrides)


class ShopClient(httpx.AsyncClient):
    """An HTTP client bound to one running app, with helpers to act as a given user."""

    app: FastAPI

    def as_user(self, user_id: str, *roles: str) -> dict[str, str]:
        token, _ = self.app.state.tokens.issue(user_id, set(roles) or {"customer"})
        return {"Authorization": f"Bearer {token}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.as_user("admin-1", "admin")


@asynccontextmanager
async def running_shop(settings: Settings, clock: Clock | None = None) -> AsyncIterator[ShopClient]:
    """The shop's app and a client of it; `clock` (a `tests.clock.FixedClock`) is the shop's and its tokens'."""
    app = create_app(settings, shop=Shop.from_settings(settings, clock=clock))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with ShopClient(transport=transport, base_url="http://shop.test") as client:
            client.app = app
            yield client


@pytest.fixture
def shop(tmp_path: Path) -> Callable[..., AbstractAsyncContextManager[ShopClient]]:
    """`async with shop() as client:` runs every module on fresh SQLite files under tmp_path
    (`shop(clock=FixedClock(...))`: on a clock the test moves)."""

    def start(
        modules: tuple[str, ...] = ALL_MODULES, clock: Clock | None = None, **overrides: object
    ) -> AbstractAsyncContextManager[ShopClient]:
        return running_shop(shop_settings(tmp_path / "var", modules, **overrides), clock)

    return start


@pytest.fixture
async def client(shop: Callable[..., AbstractAsyncContextManager[ShopClient]]) -> AsyncIterator[ShopClient]:
    async with shop() as running:
        yield running
