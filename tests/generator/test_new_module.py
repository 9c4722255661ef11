"""`martello new module`: generated into a copy of this checkout from the living template, the new module
passes the checkout's checks (ruff, import contracts, mypy --strict, its own tests and the deployment test)
with no hand edit; bad names and existing files are refused with exit status 2 and nothing written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from martello.generator.names import InvalidName, ModuleNames
from tests.generator.checks import copy_checkout, files_under, martello, passes, run, tool


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("checkout"))


def test_a_generated_module_passes_every_check_of_the_checkout(tmp_path: Path) -> None:
    root = copy_checkout(tmp_path)
    generated = martello(root, "new", "module", "payments")
    assert generated.returncode == 0, generated.stderr
    module, tests = root / "src/martello/modules/payments", root / "tests/payments"
    assert (module / "domain/payment.py").is_file() and (tests / "test_payment_http.py").is_file()
    registry = (root / "src/martello/runtime/registry.py").read_text()
    assert '    "payments": "martello.modules.payments.module:PaymentsModule",\n}' in registry
    assert '"martello.modules.payments.domain",' in (root / "pyproject.toml").read_text()

    passes(root, tool("ruff"), "check", "src", "tests")
    passes(root, tool("lint-imports"))
    passes(root, tool("mypy"), "-p", "martello.modules.payments", "-p", "martello.runtime")
    passes(
        root,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/payments",
        "tests/runtime/test_deployment.py",
        "tests/architecture",
    )


def test_dry_run_lists_the_files_and_writes_nothing(checkout: Path) -> None:
    before = {path: (checkout / path).read_bytes() for path in files_under(checkout)}
    listed = martello(checkout, "new", "module", "shipping", "--aggregate", "Parcel", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "create src/martello/modules/shipping/domain/parcel.py" in lines
    assert "create tests/shipping/test_parcel_http.py" in lines
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
    refused = martello(checkout, "new", "module", "shipping", "--aggregate", "parcel")
    assert (refused.returncode, "CamelCase" in refused.stderr) == (2, True)


def test_a_module_is_never_generated_over_existing_files(checkout: Path) -> None:
    (checkout / "tests/shipping").mkdir()
    (checkout / "tests/shipping/notes.txt").write_text("mine")
    before = files_under(checkout)
    refused = martello(checkout, "new", "module", "shipping")
    assert refused.returncode == 2
    assert "tests/shipping already exists" in refused.stderr
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
