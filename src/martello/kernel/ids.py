"""Identifier providers: time-ordered UUIDv7 strings keep B-tree inserts at the right edge."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

IdProvider = Callable[[], str]

_lock = threading.Lock()
_last_ms = 0
_seq = 0
_entropy = b""
"""Random bytes drawn from the OS in blocks: one `os.urandom` call per 512 ids instead of one per id."""
_entropy_used = 0
_ENTROPY_BLOCK = 4096


def _forget_entropy() -> None:
    """A forked child must not reuse its parent's unspent random bytes (its ids would collide)."""
    global _entropy, _entropy_used
    _entropy, _entropy_used = b"", 0


os.register_at_fork(after_in_child=_forget_entropy)


def uuid7() -> str:
    """Return a new RFC 9562 UUIDv7 as a string, monotonic within this process."""
    global _last_ms, _seq, _entropy, _entropy_used
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
        if _entropy_used >= len(_entropy):
            _entropy, _entropy_used = os.urandom(_ENTROPY_BLOCK), 0
        random = _entropy[_entropy_used : _entropy_used + 8]
        _entropy_used += 8
    rand = int.from_bytes(random, "big") & 0x3FFF_FFFF_FFFF_FFFF
    text = f"{(ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


new_id: IdProvider = uuid7
