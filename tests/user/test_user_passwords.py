"""Password hashing: salted scrypt, parameters stored with the hash, constant-time verification."""

from __future__ import annotations

import re

import pytest

from martello.modules.user.application.passwords import (
    DEFAULT_COST,
    PasswordHasher,
    hash_password,
    verify_password,
)

COST = 4  # cheap for tests; production uses DEFAULT_COST


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse 1", COST)
    assert verify_password("correct horse 1", stored)
    assert not verify_password("correct horse 2", stored)
    assert not verify_password("", stored)


def test_the_hash_is_self_describing_and_never_contains_the_password() -> None:
    stored = hash_password("correct horse 1", COST)
    assert re.fullmatch(r"\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", stored)
    assert "horse" not in stored


def test_every_hash_has_its_own_salt() -> None:
    assert hash_password("same password 1", COST) != hash_password("same password 1", COST)


def test_the_same_salt_gives_the_same_hash() -> None:
    salt = bytes(range(16))
    assert hash_password("pw-1234567890", COST, salt=salt) == hash_password("pw-1234567890", COST, salt=salt)


def test_a_hash_made_at_another_cost_still_verifies() -> None:
    assert verify_password("correct horse 1", hash_password("correct horse 1", COST + 2))


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text-password",
        "$scrypt$ln=4,r=8,p=1$c2FsdA",
        "$bcrypt$ln=4,r=8,p=1$c2FsdA$a2V5",
        "$scrypt$ln=30,r=8,p=1$c2FsdA$a2V5",  # a tampered cost must not exhaust the machine
        "$scrypt$ln=0,r=8,p=1$c2FsdA$a2V5",
    ],
)
def test_a_malformed_or_out_of_bounds_hash_verifies_nothing(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_the_production_default_meets_owasps_minimum_for_scrypt() -> None:
    """OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 at least."""
    assert DEFAULT_COST == 17
    assert PasswordHasher().cost == 17
    stored = hash_password("correct horse 1")  # the real thing: 128 MiB of memory, once
    assert stored.startswith("$scrypt$ln=17,r=8,p=1$")
    assert verify_password("correct horse 1", stored)
    with pytest.raises(ValueError):
        PasswordHasher(cost=40)


def test_a_hash_with_weaker_parameters_than_configured_needs_rehashing() -> None:
    hasher = PasswordHasher(cost=COST + 1)
    assert hasher.needs_rehash(hash_password("correct horse 1", COST))
    assert hasher.needs_rehash("$scrypt$ln=5,r=4,p=1$c2FsdA$a2V5")  # a smaller block size
    assert not hasher.needs_rehash(hash_password("correct horse 1", COST + 1))
    assert not hasher.needs_rehash(hash_password("correct horse 1", COST + 2))  # stronger: kept
    assert not hasher.needs_rehash("plain-text-password")  # never verifies, never rehashed


async def test_the_hasher_works_off_the_event_loop() -> None:
    hasher = PasswordHasher(cost=COST)
    stored = await hasher.hash("correct horse 1")
    assert await hasher.verify("correct horse 1", stored)
    assert not await hasher.verify("wrong horse 1", stored)
    assert not await hasher.verify_nothing("correct horse 1")
