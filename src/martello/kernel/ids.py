"""Identifier providers: time-ordered UUIDv7 strings keep B-tree inserts at the right edge."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable

IdProvider = Callable[[], str]

_lock = threading.Lock()
_last_ms = 0
_seq = 0


def uuid7() -> str:
    """Return a new RFC 9562 UUIDv7 as a string, monotonic within this process."""
    global _last_ms, _seq
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _seq += 1
            if _seq > 0xFFF:  # sequence exhausted within one millisecond: borrow the next one
                ms += 1
                _seq = 0
        else:
            _seq = 0
        _last_ms = ms
        seq = _seq
    rand = int.from_bytes(os.urandom(8), "big") & 0x3FFF_FFFF_FFFF_FFFF
    value = (ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand
    return str(uuid.UUID(int=value))


new_id: IdProvider = uuid7
