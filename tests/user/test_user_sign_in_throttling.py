"""Password guessing is throttled per account and per client address, over HTTP, on a clock the test moves.

Given failures, when another sign-in comes, then 429 `too-many-sign-in-attempts` with `Retry-After`
(growing with every further failure) - and never a lockout for good."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx

from martello.modules.user.application.bootstrap import DEV_ADMIN_PASSWORD
from martello.modules.user.application.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW_SECONDS
from tests.clock import FixedClock
from tests.conftest import ShopClient
from tests.user.test_user_http import API, FAST, PASSWORD, Shop, problem_of, sign_up

CHEAP = {"password_hash_cost": "4"}  # with the development admin (`admin`, DEV_ADMIN_PASSWORD)


def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


async def attempt(client: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await client.post(f"{API}/sessions", json={"username": login, "password": password})


def refused(response: httpx.Response) -> int:
    """The Retry-After (seconds) of a throttled answer, checking it is a proper 429 problem."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert problem_of(response)["code"] == "too-many-sign-in-attempts"
    return int(response.headers["Retry-After"])


def from_address(client: ShopClient, address: str) -> httpx.AsyncClient:
    """Another client of the same app, connecting from `address`."""
    transport = httpx.ASGITransport(app=client.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://shop.test")


async def test_a_burst_of_wrong_passwords_for_admin_is_throttled_after_five(shop: Shop) -> None:
    """Hundreds of wrong passwords for `admin` in seconds: five are answered 401, the rest 429. (The clock
    stands still: on a real one, each wait that passes during the burst admits one more guess.)"""
    async with shop(("user",), clock=clock(), extra=CHEAP) as client:
        answers = await asyncio.gather(*(attempt(client, "admin", f"guess-{i}") for i in range(120)))
        statuses = Counter(answer.status_code for answer in answers)
        assert statuses == {401: ACCOUNT_LIMIT, 429: 120 - ACCOUNT_LIMIT}
        assert all(refused(answer) >= 1 for answer in answers if answer.status_code == 429)
        # even the right password waits now: the guesses cannot be told from the owner
        assert (await attempt(client, "admin", DEV_ADMIN_PASSWORD)).status_code == 429


async def test_the_wait_grows_with_every_further_failure_and_a_success_starts_afresh(shop: Shop) -> None:
    time = clock()
    async with shop(("user",), clock=time, extra=FAST) as client:
        await sign_up(client, "alice")
        for _ in range(ACCOUNT_LIMIT):
            assert (await attempt(client, "alice", "wrong password 1")).status_code == 401
        assert refused(await attempt(client, "alice", PASSWORD)) == 1

        time.advance(seconds=1)
        assert (await attempt(client, "alice", "wrong password 2")).status_code == 401
        assert refused(await attempt(client, "alice", "wrong password 3")) == 2
        time.advance(seconds=2)
        assert (await attempt(client, "alice", "wrong password 4")).status_code == 401
        assert refused(await attempt(client, "alice", PASSWORD)) == 4

        time.advance(seconds=4)
        assert (await attempt(client, "alice", PASSWORD)).status_code == 200
        for _ in range(ACCOUNT_LIMIT):  # the success reset the account's count
            assert (await attempt(client, "alice", "wrong password 5")).status_code == 401
        refused(await attempt(client, "alice", PASSWORD))


async def test_the_username_and_the_email_are_one_account_and_the_window_expires(shop: Shop) -> None:
    time = clock()
    async with shop(("user",), clock=time, extra=FAST) as client:
        await sign_up(client, "bob")
        for login in ("bob", "BOB@example.com", "bob", "bob@example.com", "Bob"):
            assert (await attempt(client, login, "wrong password 1")).status_code == 401
        refused(await attempt(client, "bob@example.com", PASSWORD))
        for _ in range(12):  # the attacker keeps at it: the wait is capped at the window
            time.advance(seconds=WINDOW_SECONDS)
            await attempt(client, "bob", "wrong password 2")
        assert refused(await attempt(client, "bob", PASSWORD)) <= WINDOW_SECONDS

        time.advance(seconds=WINDOW_SECONDS + 1)  # never locked out for good
        assert (await attempt(client, "bob", PASSWORD)).status_code == 200


async def test_one_address_guessing_across_accounts_is_throttled_and_others_are_not(shop: Shop) -> None:
    time = clock()
    async with shop(("user",), clock=time, extra=FAST) as client:
        await sign_up(client, "carol")
        for i in range(ADDRESS_LIMIT):  # a spray: one guess per (unknown) account
            assert (await attempt(client, f"user{i}", "wrong password 1")).status_code == 401
        assert refused(await attempt(client, "carol", PASSWORD)) == 1

        async with from_address(client, "192.0.2.7") as elsewhere:
            assert (await attempt(elsewhere, "carol", PASSWORD)).status_code == 200
        time.advance(seconds=1)
        assert (await attempt(client, "carol", PASSWORD)).status_code == 200


async def test_throttling_answers_fast_without_checking_the_password(shop: Shop) -> None:
    """A refused attempt costs no hashing: its answer does not depend on the password at all."""
    async with shop(("user",), extra=CHEAP) as client:
        for _ in range(ACCOUNT_LIMIT):
            await attempt(client, "admin", "wrong password 1")
        answers: list[dict[str, Any]] = []
        for password in ("wrong password 2", DEV_ADMIN_PASSWORD, ""):
            response = await attempt(client, "admin", password)
            refused(response)
            answers.append({k: v for k, v in problem_of(response).items() if k not in ("detail", "details")})
        assert answers[0] == answers[1] == answers[2]
