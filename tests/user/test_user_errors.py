"""What the user module's rules say when they refuse: a stable code, a message, details for programs."""

from __future__ import annotations

import pytest

from martello.kernel.errors import DomainError, MartelloError, Unauthorized
from martello.modules.user.domain.errors import CannotDemoteYourself, InvalidCredentials

REFUSALS = [
    (
        CannotDemoteYourself("u-1"),
        DomainError, "cannot-demote-yourself", "administrators cannot take the admin role from themselves",
        {"user_id": "u-1"},
    ),
    (
        InvalidCredentials(),
        Unauthorized, "invalid-credentials", "the username (or e-mail address) and password do not match an account",
        {},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("error", "kind", "code", "message", "details"), REFUSALS, ids=lambda v: type(v).__name__)
def test_each_refusal_names_its_rule(
    error: MartelloError, kind: type[MartelloError], code: str, message: str, details: dict[str, object]
) -> None:
    assert isinstance(error, kind)
    assert (error.code, str(error), error.message, error.details) == (code, message, message, details)
