"""Waiting on a condition, never on the clock: every wait has a deadline and says what it waited for.

`eventually` polls an async probe until it gives an answer (anything but None or False) and fails naming the
condition when the deadline passes; `wait_until` does the same for a plain function, for threads.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = float(os.environ.get("MTL_TEST_TIMEOUT", "30"))
"""Generous: a condition that holds is met in milliseconds; only a broken one waits this long.
`make mutants` lowers it (MTL_TEST_TIMEOUT=5), so that a mutant breaking a wake-up fails fast."""


async def eventually(
    probe: Callable[[], Awaitable[T | bool | None]],
    what: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.01,
) -> T:
    """The first answer of `probe` that is neither None nor False, polled until `timeout` seconds have passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        answer = await probe()
        if answer is not None and answer is not False:
            return answer
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {timeout:g}s waiting for {what}")
        await asyncio.sleep(interval)


def wait_until(condition: Callable[[], T | None], what: str, *, timeout: float = DEFAULT_TIMEOUT) -> T:
    """`eventually` for synchronous code (threads): the first answer of `condition` that is not None/False."""
    deadline = time.monotonic() + timeout
    while True:
        answer = condition()
        if answer is not None and answer is not False:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g}s waiting for {what}")
        time.sleep(0.005)


async def answer_if(answer: Awaitable[T], condition: Callable[[T], bool]) -> T | None:
    """`answer` if it meets `condition`, else None: turns a query and a check into a probe for `eventually`."""
    result = await answer
    return result if condition(result) else None
