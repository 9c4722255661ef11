"""Log lines carry the correlation id of the request or message being handled."""

from __future__ import annotations

import json
import logging

from martello.kernel.envelope import current_correlation
from martello.runtime.logs import CorrelationFilter, JsonFormatter


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("martello.test", logging.INFO, __file__, 1, message, None, None)


def test_a_record_gets_the_current_correlation_id_in_text_and_json() -> None:
    token = current_correlation.set("checkout-42")
    try:
        line = record("order placed")
        assert CorrelationFilter().filter(line)
        assert line.correlation == " [checkout-42]"  # type: ignore[attr-defined]
        entry = json.loads(JsonFormatter().format(line))
        assert entry["correlation_id"] == "checkout-42" and entry["message"] == "order placed"
    finally:
        current_correlation.reset(token)


def test_outside_a_request_there_is_no_correlation_id() -> None:
    line = record("martello starting...")
    CorrelationFilter().filter(line)
    assert line.correlation == ""  # type: ignore[attr-defined]
    assert "correlation_id" not in json.loads(JsonFormatter().format(line))
