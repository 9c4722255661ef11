"""Errors as RFC 9457 problem documents (`application/problem+json`), never a bare 500 for bad input."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from martello.kernel.errors import (
    ConcurrencyError,
    DomainError,
    Forbidden,
    InvalidValue,
    MartelloError,
    NotFound,
    ReadModelBehind,
    TooManyAttempts,
    Unauthorized,
)

log = logging.getLogger("martello.http")


PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: tuple[tuple[type[MartelloError], int], ...] = (
    (InvalidValue, 422),
    (NotFound, 404),
    (ConcurrencyError, 409),
    (Unauthorized, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
    (DomainError, 409),
    (ReadModelBehind, 503),
)

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem document; `extra` members add machine-readable details."""
    body = {
        **extra,
        "type": f"urn:martello:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(error: MartelloError) -> int:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 400


async def _martello_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, MartelloError)
    extra: dict[str, Any] = {"details": error.details} if error.details else {}
    if isinstance(error, InvalidValue):
        extra["errors"] = [{"field": error.field, "message": error.message}]
    response = problem(status_of(error), error.code, error.message, **extra)
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(location[0] if location else "body")


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = list(error.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, "malformed-json", "the request body is not valid JSON")
    fields = [{"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")} for e in errors]
    names = ", ".join(f["field"] for f in fields)
    return problem(422, "invalid-request", f"invalid or missing fields: {names}", errors=fields)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
    detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "error")
    return problem(error.status_code, code, detail)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "internal-error", "an unexpected error occurred; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MartelloError, _martello_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
