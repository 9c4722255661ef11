"""`martello new module`: generated into a copy of this checkout from the living template, the new module
passes the checkout's checks (ruff, import contracts, mypy --strict, its own tests and the deployment test)
with no hand edit; bad names and existing files are refused with exit status 2 and nothing written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from martello.generator.names import InvalidName, ModuleNames, camel
from tests.generator.checks import copy_checkout, files_under, martello, passes, run, tool


def unused(root: Path, name: str) -> str:
    """`name`, or `name_2`, ...: a module name this checkout does not have yet (it may have generated some)."""
    taken = (root / "src/martello/runtime/registry.py").read_text()
    candidates = (name, *(f"{name}_{n}" for n in range(2, 100)))
    return next(c for c in candidates if f'"{c}":' not in taken and not (root / "tests" / c).exists())


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("checkout"))


def test_a_generated_module_passes_every_check_of_the_checkout(tmp_path: Path) -> None:
    root = copy_checkout(tmp_path)
    name = unused(root, "ledger")
    generated = martello(root, "new", "module", name, "--aggregate", "Entry")
    assert generated.returncode == 0, generated.stderr
    module, tests = root / "src/martello/modules" / name, root / "tests" / name
    assert (module / "domain/entry.py").is_file() and (tests / "test_entry_http.py").is_file()
    registry = (root / "src/martello/runtime/registry.py").read_text()
    assert f'    "{name}": "martello.modules.{name}.module:{camel(name)}Module",\n}}' in registry
    assert 'packages = ["martello"]' in (root / "pyproject.toml").read_text(), "mypy covers the new module as it is"

    passes(root, tool("ruff"), "check", "src", "tests")
    passes(root, tool("lint-imports"))
    passes(root, tool("mypy"), "-p", f"martello.modules.{name}", "-p", "martello.runtime")
    passes(
        root,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"tests/{name}",
        "tests/runtime/test_deployment.py",
        "tests/architecture",
    )


def test_dry_run_lists_the_files_and_writes_nothing(checkout: Path) -> None:
    before = {path: (checkout / path).read_bytes() for path in files_under(checkout)}
    name = unused(checkout, "shipping")
    listed = martello(checkout, "new", "module", name, "--aggregate", "Parcel", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert f"create src/martello/modules/{name}/domain/parcel.py" in lines
    assert f"create tests/{name}/test_parcel_http.py" in lines
    assert "edit   src/martello/runtime/registry.py" in lines
    assert {path: (checkout / path).read_bytes() for path in files_under(checkout)} == before


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("2fa", "not valid"),
        ("Payments", "not valid"),
        ("pay-ments", "not valid"),
        ("json", "standard library"),
        ("catalog", "already exists"),
        ("kernel", "reserved"),
    ],
)
def test_an_invalid_or_taken_name_is_refused_with_exit_status_2(checkout: Path, name: str, reason: str) -> None:
    before = files_under(checkout)
    refused = martello(checkout, "new", "module", name)
    assert refused.returncode == 2
    assert reason in refused.stderr
    assert files_under(checkout) == before


def test_an_invalid_aggregate_name_is_refused(checkout: Path) -> None:
    refused = martello(checkout, "new", "module", unused(checkout, "shipping"), "--aggregate", "parcel")
    assert (refused.returncode, "CamelCase" in refused.stderr) == (2, True)


def test_a_module_is_never_generated_over_existing_files(checkout: Path) -> None:
    name = unused(checkout, "shipping")
    (checkout / "tests" / name).mkdir()
    (checkout / "tests" / name / "notes.txt").write_text("mine")
    before = files_under(checkout)
    refused = martello(checkout, "new", "module", name)
    assert refused.returncode == 2
    assert f"tests/{name} already exists" in refused.stderr
    assert files_under(checkout) == before


def test_outside_a_checkout_nothing_is_generated(tmp_path: Path) -> None:
    refused = run(tmp_path, sys.executable, "-m", "martello.runtime.cli", "new", "module", "shipping")
    assert (refused.returncode, "not inside a Martello checkout" in refused.stderr) == (2, True)
    assert files_under(tmp_path) == set()


def test_names_follow_the_module_name_unless_the_aggregate_is_given() -> None:
    assert ModuleNames.of("payments") == ModuleNames("payments", "Payments", "Payment", "payment", "payments")
    assert ModuleNames.of("deliveries").aggregate == "Delivery"
    assert ModuleNames.of("shipping", "ParcelBox").aggregate_plural == "parcel_boxes"
    with pytest.raises(InvalidName, match="too long"):
        ModuleNames.of("a" * 21)
