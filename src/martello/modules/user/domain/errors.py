"""The user context's rules, each a named error."""

from __future__ import annotations

from martello.kernel.errors import DomainError, InvalidValue, TooManyAttempts, Unauthorized


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


class TooManySignInAttempts(TooManyAttempts):
    """Password guesses are limited: after repeated failures for an account or from an address, further
    attempts wait (longer with every further failure), then the count starts afresh."""

    code = "too-many-sign-in-attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-in attempts; try again in {retry_after} s", retry_after)


class WrongPassword(InvalidValue):
    """The current password given to change it is not the account's."""

    code = "wrong-password"

    def __init__(self, field: str) -> None:
        super().__init__(field, "this is not the account's current password")
