"""Errors shared by every module. Each carries a stable machine-readable `code`."""

from __future__ import annotations


class MartelloError(Exception):
    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class DomainError(MartelloError):
    """A business rule refused a command. Modules subclass it with a named rule."""

    code = "domain-rule-violated"


class InvalidValue(DomainError):
    """A value object refused its input (blank name, negative price, ...)."""

    code = "invalid-value"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field


class NotFound(MartelloError):
    code = "not-found"


class Unauthorized(MartelloError):
    code = "unauthorized"


class Forbidden(MartelloError):
    code = "forbidden"


class TooManyAttempts(MartelloError):
    """Too many failed attempts at something guarded (a sign-in): try again after `retry_after` seconds."""

    code = "too-many-attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class ConcurrencyError(MartelloError):
    """The stream moved on since the caller read it: the expected version is stale."""

    code = "concurrency-conflict"

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {actual}, expected {expected}",
            stream_id=stream_id,
            expected_version=expected,
            actual_version=actual,
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class DuplicateMessage(MartelloError):
    """A consumer has already handled this message; the effect is not applied twice."""

    code = "duplicate-message"


class UniqueKeyTaken(DomainError):
    """Another stream already claimed this unique key (a username, an e-mail address, ...)."""

    code = "already-taken"

    def __init__(self, kind: str, value: str) -> None:
        super().__init__(f"this {kind} is already taken", kind=kind)
        self.kind = kind
        self.value = value


class ReadModelBehind(MartelloError):
    """A query asked for a log position its read model has not reached in time (see `read_your_writes`)."""

    code = "read-model-behind"
