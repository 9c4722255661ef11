"""The SQLite adapter's commit signal: waiters wake on a commit from another thread, or time out cleanly."""

from __future__ import annotations

import asyncio
import threading

from martello.adapters.sqlite.database import CommitSignal
from tests.waiting import eventually

WAITER_TIMEOUT = 60.0
WOKEN_WITHIN = 5.0
"""Far below the waiter's own timeout: a waiter back this early was woken, it did not time out."""


async def test_a_commit_on_another_thread_wakes_every_waiter() -> None:
    # Given three coroutines waiting (for up to a minute) for the next commit
    signal = CommitSignal()
    waiters = [asyncio.create_task(signal.wait(timeout=WAITER_TIMEOUT)) for _ in range(3)]
    await eventually(lambda: asyncio.sleep(0, len(signal._waiters) == 3), "three registered waiters")
    # When another thread reports a commit
    threading.Thread(target=signal.notify).start()
    # Then every waiter returns long before its own timeout, and none is left registered
    await asyncio.wait_for(asyncio.gather(*waiters), WOKEN_WITHIN)
    assert signal._waiters == []


async def test_a_waiter_registered_after_a_commit_waits_for_the_next_one() -> None:
    signal = CommitSignal()
    signal.notify()
    late = asyncio.create_task(signal.wait(timeout=WAITER_TIMEOUT))
    await eventually(lambda: asyncio.sleep(0, len(signal._waiters) == 1), "the late waiter to register")
    assert not late.done(), "a commit before the wait began must not wake it"
    signal.notify()
    await asyncio.wait_for(late, WOKEN_WITHIN)


async def test_a_timed_out_or_cancelled_waiter_leaves_nothing_behind() -> None:
    signal = CommitSignal()
    await signal.wait(timeout=0.01)
    cancelled = asyncio.create_task(signal.wait(timeout=WAITER_TIMEOUT))
    await eventually(lambda: asyncio.sleep(0, len(signal._waiters) == 1), "the waiter to register")
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert cancelled.cancelled()
    assert signal._waiters == []
