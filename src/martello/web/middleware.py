"""ASGI middleware at the HTTP edge: URLs and request bodies bounded and well-formed before any route parses them,
and the security headers every response carries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from martello.web.problems import problem

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""1 MiB: far above any command body the shop takes (the longest is a product with a 10,000-character text)."""

_SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")
"""A JSON escape of a UTF-16 surrogate or of NUL: only then is the body parsed here to look closer."""


class RequestGuard:
    """Refuses a URL whose percent-encoded path or query is not UTF-8 (a lone surrogate `%ED%A0%80`, say) with
    400; refuses a request body larger than `max_bytes` with 413, by its `Content-Length` before reading it and by
    counting what arrives for a body sent in chunks; refuses a body that is not valid UTF-8, or whose JSON holds
    a lone surrogate (`"\\ud800"`) or NUL (`"\\u0000"`), with 400. All as problem+json, before a route parses anything.

    The body is read here in full (at most `max_bytes`) and handed on to the app unchanged."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not _utf8_url(scope.get("raw_path") or b"", scope.get("query_string", b"")):
            detail = "the URL's percent-encoded path or query is not valid UTF-8"
            await problem(400, "invalid-unicode", detail)(scope, receive, send)
            return
        length, chunked = _body_headers(scope["headers"])
        if length is None and not chunked:  # no body: a GET, a POST without one
            await self.app(scope, receive, send)
            return
        if length is not None and length > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        malformed = _malformed(body)
        if malformed:
            await problem(400, *malformed)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "content-too-large",
            f"the request body is larger than {self.max_bytes} bytes",
            max_bytes=self.max_bytes,
        )
        await response(scope, receive, send)


def _utf8_url(path: bytes, query: bytes) -> bool:
    for part in (path, query.replace(b"+", b" ")):
        if b"%" in part:
            try:
                unquote_to_bytes(part).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def _body_headers(headers: Iterable[tuple[bytes, bytes]]) -> tuple[int | None, bool]:
    length: int | None = None
    chunked = False
    for name, value in headers:
        if name == b"content-length":
            try:
                length = max(int(value), 0)
            except ValueError:
                length = None
                chunked = True  # unreadable length: count what arrives instead
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _malformed(body: bytes) -> tuple[str, str] | None:
    """The problem code and why a body cannot be text the shop stores (None if it can): invalid UTF-8, or a JSON
    string holding a lone surrogate or a NUL character (which PostgreSQL text cannot hold)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid-unicode", "the request body is not valid UTF-8"
    if not _SUSPECT_ESCAPE.search(body):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route answers that
    for text in _strings(document):
        if "\x00" in text:
            return "nul-character", "the request body holds a NUL character (\\u0000)"
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return (
                "invalid-unicode",
                "the request body holds a lone UTF-16 surrogate (\\ud800-\\udfff): not valid Unicode",
            )
    return None


def _strings(document: object) -> Iterator[str]:
    """Every string in a JSON document, keys included (iteratively: nesting depth is the client's choice)."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """Adds the security headers to every response, and `Cache-Control: no-store` to every /api response (tokens
    and personal data must not be kept by browsers or proxies); drops any `Server` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if no_store and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
