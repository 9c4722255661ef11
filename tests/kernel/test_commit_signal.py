"""The SQLite adapter's commit signal: waiters wake on a commit from another thread, or time out cleanly."""

from __future__ import annotations

import asyncio
import threading

from martello.adapters.sqlite.database import CommitSignal


async def test_a_commit_on_another_thread_wakes_every_waiter() -> None:
    signal = CommitSignal()
    waiters = [asyncio.create_task(signal.wait(timeout=10)) for _ in range(3)]
    await asyncio.sleep(0.01)
    threading.Thread(target=signal.notify).start()
    await asyncio.wait_for(asyncio.gather(*waiters), 10)


async def test_a_timed_out_or_cancelled_waiter_leaves_nothing_behind() -> None:
    signal = CommitSignal()
    await signal.wait(timeout=0.01)
    cancelled = asyncio.create_task(signal.wait(timeout=10))
    await asyncio.sleep(0.01)
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert cancelled.cancelled()
    assert signal._waiters == []
