"""Where the PostgreSQL rows run: the server of the test suite, one fresh schema per run."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

URL = os.environ.get("MTL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(URL, connect_timeout=2):
            return True
    except Exception:
        return False


def schema_for(directory: Path) -> str:
    """The run's schema, named after its (unique, temporary) directory."""
    return "bench_" + hashlib.sha1(str(directory).encode()).hexdigest()[:16]
