"""The user context's rules, each a named error."""

from __future__ import annotations

from martello.kernel.errors import DomainError, Unauthorized


class CannotDemoteYourself(DomainError):
    """An administrator cannot take the admin role from themselves: the shop could be left without one."""

    code = "cannot-demote-yourself"

    def __init__(self, user_id: str) -> None:
        super().__init__("administrators cannot take the admin role from themselves", user_id=user_id)


class InvalidCredentials(Unauthorized):
    """Sign-in failed. Deliberately silent about which part (the account or the password) was wrong."""

    code = "invalid-credentials"

    def __init__(self) -> None:
        super().__init__("the username (or e-mail address) and password do not match an account")
