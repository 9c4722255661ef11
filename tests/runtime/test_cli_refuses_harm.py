"""The CLI refuses to do harm: commands that read a data directory refuse one that does not exist (or holds
no shop) and create nothing; a running shop holds its data directory, so neither `martello demo` in-process
nor a second `martello run` starts on it, while reading commands keep working beside it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from martello.runtime.cli import main as cli
from martello.runtime.lock import DataDirectoryInUse, DataDirectoryLock
from tests.conftest import running_shop, shop_settings
from tests.e2e.test_catalog_http import create_active_catalog
from tests.servers import free_port

READING_COMMANDS = [
    ["projections", "list"],
    ["projections", "rebuild", "catalog.catalogs"],
    ["stream", "show", "catalog-1"],
    ["events", "tail", "--from-start"],
]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_data_directory_that_does_not_exist_is_refused_and_not_created(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no" / "such" / "dir"

    assert cli([*command, "--data-dir", str(missing)]) == 2

    assert f"data directory {missing} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_data_directory_without_a_shop_is_refused_and_left_as_it_was(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    assert cli([*command, "--data-dir", str(empty)]) == 2

    assert "holds no shop data" in capsys.readouterr().err
    assert list(empty.iterdir()) == []


def test_reading_opens_only_the_module_databases_that_exist(tmp_path: Path) -> None:
    async def fill() -> None:
        async with running_shop(shop_settings(tmp_path / "var", ("catalog",))) as client:
            await create_active_catalog(client, {"HAT": 1999})

    asyncio.run(fill())
    before = sorted(p.name for p in (tmp_path / "var").glob("*.db"))

    assert cli(["projections", "list", "--data-dir", str(tmp_path / "var")]) == 0

    assert sorted(p.name for p in (tmp_path / "var").glob("*.db")) == before == ["catalog.db"]


class RunningShop:
    """`martello run` on a data directory, as a subprocess."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "martello.runtime.cli", "run", "--port", str(self.port)]
        command += ["--data-dir", str(data_dir), "--modules", "catalog"]
        env = {**os.environ, "MTL_AUTH_SECRET": "refuses-harm-secret-0123456789", "MTL_LOG_LEVEL": "INFO"}
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"the shop exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the shop was not ready within {timeout}s:\n{self.log.read_text()}")
            time.sleep(0.05)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def shop_files(data_dir: Path) -> list[str]:
    """The files in a data directory, but the SQLite journals that come and go while the shop works."""
    return sorted(p.name for p in data_dir.iterdir() if not p.name.endswith(("-wal", "-shm")))


@pytest.fixture
def running(tmp_path: Path) -> object:
    shop = RunningShop(tmp_path / "var", tmp_path / "shop.log")
    yield shop
    shop.close()


def test_demo_refuses_to_run_in_process_on_the_data_directory_of_a_running_shop(
    tmp_path: Path, running: RunningShop, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    running.wait_until_ready()
    monkeypatch.setenv("MTL_HTTP_PORT", str(free_port()))  # the local shop the demo looks for first: not there
    files = shop_files(tmp_path / "var")

    assert cli(["demo", "--data-dir", str(tmp_path / "var")]) == 2

    refusal = capsys.readouterr().err
    assert f"in use by a running shop (pid {running.process.pid})" in refusal
    assert "pass --url" in refusal
    assert shop_files(tmp_path / "var") == files
    assert running.process.poll() is None


def test_a_second_shop_on_the_same_data_directory_is_refused_naming_the_first(
    tmp_path: Path, running: RunningShop
) -> None:
    running.wait_until_ready()

    second = RunningShop(tmp_path / "var", tmp_path / "second.log")
    try:
        assert second.process.wait(60) == 2
    finally:
        second.close()

    assert f"in use by a running shop (pid {running.process.pid})" in second.log.read_text()
    assert running.process.poll() is None


def test_reading_commands_work_beside_a_running_shop(
    tmp_path: Path, running: RunningShop, capsys: pytest.CaptureFixture[str]
) -> None:
    running.wait_until_ready()

    assert cli(["projections", "list", "--data-dir", str(tmp_path / "var")]) == 0
    assert cli(["stream", "show", "catalog-nope", "--data-dir", str(tmp_path / "var")]) == 1  # not found: read fine

    assert "catalog.catalogs" in capsys.readouterr().out


def test_the_lock_of_a_killed_shop_is_gone_with_it(tmp_path: Path, running: RunningShop) -> None:
    running.wait_until_ready()
    lock = DataDirectoryLock(tmp_path / "var")
    with pytest.raises(DataDirectoryInUse):
        lock.acquire()

    running.process.kill()  # SIGKILL: no clean-up at all
    running.process.wait(10)

    lock.acquire()
    assert lock.held
    lock.release()
