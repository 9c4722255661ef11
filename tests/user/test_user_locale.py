"""The POSIX locale value object: `language[_TERRITORY][.codeset][@modifier]`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from martello.kernel.errors import InvalidValue
from martello.modules.user.domain.locale import CODESET, LANGUAGE, MODIFIER, TERRITORY, Locale


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("en", ("en", None, None, None)),
        ("en_US", ("en", "US", None, None)),
        ("en_US.UTF-8", ("en", "US", "UTF-8", None)),
        ("de_DE.UTF-8@euro", ("de", "DE", "UTF-8", "euro")),
        ("de_DE@euro", ("de", "DE", None, "euro")),
        ("es_419", ("es", "419", None, None)),
        ("ast_ES.ISO-8859-15", ("ast", "ES", "ISO-8859-15", None)),
        ("sr_RS@latin", ("sr", "RS", None, "latin")),
        ("en.ANSI_X3.4-1968", ("en", None, "ANSI_X3.4-1968", None)),
    ],
)
def test_posix_locales_are_parsed_into_their_parts(text: str, parts: tuple[str | None, ...]) -> None:
    locale = Locale.parse(text)
    assert (locale.language, locale.territory, locale.codeset, locale.modifier) == parts
    assert str(locale) == text


@pytest.mark.parametrize(
    "text",
    ["", "C", "POSIX", "e", "engl", "EN_us", "en_us", "en-US", "en_USA", "en_U1", "en_12", "en_US.", "en_US@",
     "en_US.UTF 8", "en_US@eu ro", "en_US.UTF-8@euro@x", "_US", "en__US"],
)  # fmt: skip
def test_anything_else_is_refused_naming_the_locale(text: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Locale.parse(text)
    assert error.value.field == "locale"


def test_parts_are_checked_when_built_directly() -> None:
    with pytest.raises(InvalidValue):
        Locale("en", territory="us")


def optional(pattern: str) -> st.SearchStrategy[str | None]:
    return st.none() | st.from_regex(rf"\A(?:{pattern})\Z")


locales = st.builds(
    Locale,
    language=st.from_regex(rf"\A{LANGUAGE}\Z"),
    territory=optional(TERRITORY),
    codeset=optional(CODESET),
    modifier=optional(MODIFIER),
)


@given(locales)
def test_a_formatted_locale_parses_back_to_itself(locale: Locale) -> None:
    assert Locale.parse(str(locale)) == locale
