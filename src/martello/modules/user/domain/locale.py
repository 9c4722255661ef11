"""The POSIX locale value object: `language[_TERRITORY][.codeset][@modifier]`, e.g. `de_DE.UTF-8@euro`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from martello.kernel.errors import InvalidValue

LANGUAGE = r"[a-z]{2,3}"
"""ISO 639 language code, lower case (required)."""
TERRITORY = r"[A-Z]{2}|[0-9]{3}"
"""ISO 3166 country code in upper case, or a UN M.49 area code such as 419 (Latin America)."""
CODESET = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,31}"
"""A character set name such as UTF-8, ISO-8859-1 or ANSI_X3.4-1968."""
MODIFIER = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
"""A variant such as euro, latin or valencia."""

LOCALE_PATTERN = re.compile(
    rf"(?P<language>{LANGUAGE})(?:_(?P<territory>{TERRITORY}))?"
    rf"(?:\.(?P<codeset>{CODESET}))?(?:@(?P<modifier>{MODIFIER}))?"
)
FORMAT_HINT = "a locale looks like language[_TERRITORY][.codeset][@modifier], e.g. en_US.UTF-8 or de_DE@euro"


@dataclass(frozen=True, slots=True)
class Locale:
    language: str
    territory: str | None = None
    codeset: str | None = None
    modifier: str | None = None

    def __post_init__(self) -> None:
        for part, pattern in (
            (self.language, LANGUAGE),
            (self.territory, TERRITORY),
            (self.codeset, CODESET),
            (self.modifier, MODIFIER),
        ):
            if part is not None and not re.fullmatch(pattern, part):
                raise InvalidValue("locale", FORMAT_HINT)

    @classmethod
    def parse(cls, text: str) -> Locale:
        match = LOCALE_PATTERN.fullmatch(text.strip())
        if match is None:
            raise InvalidValue("locale", FORMAT_HINT)
        return cls(**match.groupdict())

    def __str__(self) -> str:
        text = self.language
        if self.territory is not None:
            text += f"_{self.territory}"
        if self.codeset is not None:
            text += f".{self.codeset}"
        if self.modifier is not None:
            text += f"@{self.modifier}"
        return text
