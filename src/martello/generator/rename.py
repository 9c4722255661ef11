"""Turning the template's names into a new module's, in one pass (a new name that happens to contain a
template name is never renamed twice)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from martello.generator.names import ModuleNames, camel

TEMPLATE_PACKAGE = "martello.generator.template"
TEMPLATE = ModuleNames.of("workshop", "Widget")


def replacements(names: ModuleNames, package: str = "martello") -> dict[str, str]:
    """Template spelling -> new spelling, for source text."""
    return {
        TEMPLATE_PACKAGE: f"{package}.modules.{names.module}",
        TEMPLATE.module: names.module,
        TEMPLATE.module_class: names.module_class,
        TEMPLATE.aggregate: names.aggregate,
        camel(TEMPLATE.aggregate_plural): camel(names.aggregate_plural),
        TEMPLATE.aggregate_snake.upper(): names.aggregate_snake.upper(),
        TEMPLATE.aggregate_plural: names.aggregate_plural,
        TEMPLATE.aggregate_snake: names.aggregate_snake,
    }


def rename(text: str, table: Mapping[str, str]) -> str:
    """Every occurrence of a key of `table` replaced by its value, longest keys first, in one pass."""
    pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda match: table[match.group(0)], text)
