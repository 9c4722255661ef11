"""The shop's limits: the largest numbers and longest texts it accepts, in one place.

Every store and read model keeps integers in 64 bits (SQLite INTEGER, PostgreSQL BIGINT: at most 2^63 - 1).
The limits below keep every number a client sends, and every total the domain computes from them, well
inside that range, so a value accepted once can always be stored, read back and summed:

- a price is at most MAX_PRICE_AMOUNT minor units (10^9: 10 million EUR);
- a cart line holds at most MAX_LINE_QUANTITY units (999), a cart at most MAX_CART_LINES lines (100);
- an order total (and so a cart checkout and a payment) is at most MAX_ORDER_TOTAL (10^12 minor units);
  the domain refuses a checkout or an order above it with a named error before anything is recorded.
  Revenue read models add up payments: 2^63 holds more than nine million orders of the largest total;
- stream versions, global positions and offsets a client names are at most MAX_COUNTER (2^53 - 1, the
  largest integer every JSON client reads exactly).

Texts have maximum lengths (counted in characters); names, SKUs and usernames refuse control characters and
the bidirectional-override characters that make a text display differently from what it holds.
"""

from __future__ import annotations

import unicodedata

from martello.kernel.errors import InvalidValue

MAX_COUNTER = 2**53 - 1
"""Versions, positions, offsets: the largest a client may send."""
MAX_PRICE_AMOUNT = 10**9
"""The largest price, in minor units of its currency."""
MAX_LINE_QUANTITY = 999
"""The most units of one product a cart line (and so an order line) holds."""
MAX_CART_LINES = 100
"""The most distinct products one cart holds."""
MAX_ORDER_TOTAL = 10**12
"""The largest total of one checkout or order, in minor units of its currency."""
MAX_STOCK_RECEIPT = 1_000_000
"""The most units one stock receipt carries."""

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_REASON_LENGTH = 500
MAX_SKU_LENGTH = 64
MAX_ID_LENGTH = 128
"""Ids a client names (catalogs, orders, carts, users): generated ids are far shorter."""
MAX_USERNAME_LENGTH = 32
MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 256
MAX_DISPLAY_NAME_LENGTH = 100
MAX_LOCALE_LENGTH = 80
MAX_CURRENCY_LENGTH = 3
MAX_TOKEN_LENGTH = 4096
"""The longest `Authorization` header value verified."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069)."""


def refuse_unsafe_characters(field: str, value: str, *, multiline: bool = False) -> str:
    """`value` unchanged, unless it holds a control character (line breaks and tabs allowed when `multiline`),
    a bidirectional control or a lone surrogate: then an InvalidValue naming `field`."""
    for char in value:
        if char in BIDI_CONTROLS:
            raise InvalidValue(field, f"{field} cannot hold bidirectional control characters")
        category = unicodedata.category(char)
        if category == "Cs":
            raise InvalidValue(field, f"{field} is not valid Unicode")
        if category == "Cc" and not (multiline and char in "\n\r\t"):
            raise InvalidValue(field, f"{field} cannot hold control characters")
    return value


def bounded_text(field: str, value: str, limit: int, *, multiline: bool = False) -> str:
    """`value` if it has at most `limit` characters and no unsafe ones (see refuse_unsafe_characters)."""
    if len(value) > limit:
        raise InvalidValue(field, f"{field} is longer than {limit} characters")
    return refuse_unsafe_characters(field, value, multiline=multiline)
