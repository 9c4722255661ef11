"""One shop per data directory: a running shop holds an exclusive lock on `<data dir>/.lock`.

Two shops writing the same SQLite files would each run its projections, relays and consumers over the
other's work. The lock is an `flock` held for the life of the process (the operating system drops it
when the process dies, even by `kill -9`, so a crash leaves nothing to clean up); the file names the
holder's pid for the refusal message. Reading commands (`stream show`, `projections list`) take no
lock: they work beside a running shop.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from martello.runtime.config import ConfigError

LOCK_FILE = ".lock"


class DataDirectoryInUse(ConfigError):
    """Another process runs a shop on this data directory."""

    def __init__(self, data_dir: Path, holder: int | None) -> None:
        who = f"a running shop (pid {holder})" if holder else "a running shop"
        super().__init__(f"data directory {data_dir} is in use by {who}")
        self.data_dir = data_dir
        self.holder = holder


class DataDirectoryLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock (creating the directory if needed), or raise `DataDirectoryInUse` naming the holder."""
        if self._fd is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _pid_in(fd)
            os.close(fd)
            raise DataDirectoryInUse(self.data_dir, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Let go (the file stays: removing it could let two processes lock two different files)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock


def _pid_in(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return None
