"""What the user module's rules say when they refuse: a stable code, a message, details for programs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from martello.kernel.errors import DomainError, MartelloError, Unauthorized
from martello.modules.user.domain.errors import CannotDemoteYourself, InvalidCredentials
from tests.given_when_then import then_names_its_rule

REFUSALS = [
    (
        lambda: CannotDemoteYourself("u-1"),
        DomainError, "cannot-demote-yourself", "administrators cannot take the admin role from themselves",
        {"user_id": "u-1"},
    ),
    (
        lambda: InvalidCredentials(),
        Unauthorized, "invalid-credentials", "the username (or e-mail address) and password do not match an account",
        {},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("make", "kind", "code", "message", "details"), REFUSALS)
def test_each_refusal_names_its_rule(
    make: Callable[[], MartelloError], kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    then_names_its_rule(make, kind, code, message, details)
