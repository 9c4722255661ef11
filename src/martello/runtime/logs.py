"""Logging: one line per event, as text (default) or JSON (`MTL_LOG_FORMAT=json`)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from martello.kernel.envelope import current_correlation


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation = getattr(record, "correlation_id", None)
        if correlation:
            entry["correlation_id"] = correlation
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class CorrelationFilter(logging.Filter):
    """Adds the correlation id of the request or message being handled (if any) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        correlation = current_correlation.get()
        record.correlation_id = correlation
        record.correlation = f" [{correlation}]" if correlation else ""
        return True


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-5s %(name)s%(correlation)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
