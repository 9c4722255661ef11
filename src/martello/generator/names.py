"""The names a generated module is known by, derived from the module name and checked before anything is
written (`InvalidName` says why a name is refused)."""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass

MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
AGGREGATE_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
PACKAGE_NAME = MODULE_NAME
MAX_NAME_LENGTH = 20
"""Longer names would push generated lines past ruff's line length."""
RESERVED = frozenset({"generator", "kernel", "adapters", "web", "runtime", "modules", "tests", "template"})
"""Names of the packages beside the modules, and of the tests folder: a module cannot take them."""


class InvalidName(ValueError):
    """A name the generator refuses; the message says why."""


@dataclass(frozen=True, slots=True)
class ModuleNames:
    module: str
    """The module's package and URL segment: `payments` (`/api/v1/payments`)."""
    module_class: str
    """Its composition root's class name, less `Module`: `Payments`."""
    aggregate: str
    """The aggregate's class name: `Payment`."""
    aggregate_snake: str
    """The aggregate in identifiers, stream types and paths: `payment`."""
    aggregate_plural: str
    """Its collection in routes and tables: `payments`."""

    @classmethod
    def of(cls, module: str, aggregate: str | None = None) -> ModuleNames:
        check_identifier(module, "module name", MODULE_NAME, "lower case letters, digits and '_'")
        if module in RESERVED:
            raise InvalidName(f"module name {module!r} is reserved ({', '.join(sorted(RESERVED))})")
        aggregate = aggregate or camel(singular(module))
        check_identifier(aggregate, "aggregate name", AGGREGATE_NAME, "CamelCase letters and digits")
        snake = snake_case(aggregate)
        if len(snake) > MAX_NAME_LENGTH:
            raise InvalidName(f"aggregate name {aggregate!r} is too long: {snake} has more than {MAX_NAME_LENGTH}")
        return cls(module, camel(module), aggregate, snake, plural(snake))


def check_identifier(name: str, what: str, pattern: re.Pattern[str], shape: str) -> None:
    if not pattern.fullmatch(name):
        raise InvalidName(f"{what} {name!r} is not valid: use {shape}, starting with a letter")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"{what} {name!r} is too long: at most {MAX_NAME_LENGTH} characters")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InvalidName(f"{what} {name!r} is a Python keyword")
    lowered = name.lower()
    if lowered in sys.stdlib_module_names or snake_case(name) in sys.stdlib_module_names:
        raise InvalidName(f"{what} {name!r} is the name of a module of Python's standard library")


def check_package(name: str) -> None:
    check_identifier(name, "package name", PACKAGE_NAME, "lower case letters, digits and '_'")
    if name in {"martello", "tests", "src"}:
        raise InvalidName(f"package name {name!r} is taken: the project must not shadow it")


def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
