"""Module boundaries and layer rules, as tests (import-linter checks the layers too: `make contracts`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "martello"
STDLIB = sys.stdlib_module_names | {"__future__"}


def imports_of(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module or ""


def python_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.py"))


def violations(files: list[Path], allowed: object) -> list[str]:
    return [
        f"{path.relative_to(SRC.parent)} imports {name}"
        for path in files
        for name in imports_of(path)
        if not allowed(name, path)  # type: ignore[operator]
    ]


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in STDLIB


def test_the_kernel_imports_only_the_standard_library() -> None:
    found = violations(python_files(SRC / "kernel"), lambda n, _: is_stdlib(n) or n.startswith("martello.kernel"))
    assert found == []


MODULES = sorted(p.name for p in (SRC / "modules").iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_only_the_kernel_the_web_toolkit_and_other_modules_contracts(module: str) -> None:
    own = f"martello.modules.{module}"

    def allowed(name: str, path: Path) -> bool:
        if is_stdlib(name) or name.startswith(("martello.kernel", "martello.web", own)):
            return True
        if name.startswith("martello.modules."):
            return name.split(".")[3:4] == ["contracts"]
        return not name.startswith("martello.")  # third-party frameworks: checked per layer below

    assert violations(python_files(SRC / "modules" / module), allowed) == []


@pytest.mark.parametrize("module", MODULES)
def test_domain_code_imports_no_framework(module: str) -> None:
    domain = SRC / "modules" / module / "domain"
    own = f"martello.modules.{module}.domain"
    allowed = lambda n, _: is_stdlib(n) or n.startswith(("martello.kernel", own))  # noqa: E731
    assert violations(python_files(domain), allowed) == []


@pytest.mark.parametrize("module", MODULES)
def test_contracts_depend_on_the_kernel_only(module: str) -> None:
    contracts = SRC / "modules" / module / "contracts"
    own = f"martello.modules.{module}.contracts"
    allowed = lambda n, _: is_stdlib(n) or n.startswith(("martello.kernel", own))  # noqa: E731
    assert violations(python_files(contracts), allowed) == []


def test_the_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=SRC.parents[1])
    assert result.returncode == 0, result.stdout + result.stderr
