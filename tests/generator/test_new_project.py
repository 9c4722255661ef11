"""`martello new project`: a standalone project with its own copy of the kernel, adapters, web toolkit and
runtime, rewritten to its package, passes its own checks (ruff, import contracts, mypy --strict, pytest)
right after generation and imports nothing from martello."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.generator.checks import files_under, martello, passes, run, tool

MARTELLO_IMPORT = re.compile(r"^\s*(from|import) martello\b", re.MULTILINE)


def martello_imports(root: Path) -> list[str]:
    return [
        f"{path}: {match.group(0).strip()}"
        for path in sorted(root.rglob("*"))
        if path.is_file() and (path.suffix in {".py", ".toml", ".md"} or path.name in {"Makefile", "run"})
        for match in MARTELLO_IMPORT.finditer(path.read_text())
    ]


@pytest.mark.parametrize("distributed", [False, True], ids=["embedded", "distributed"])
def test_a_generated_project_passes_its_own_checks_and_imports_nothing_from_martello(
    tmp_path: Path, distributed: bool
) -> None:
    project = tmp_path / "acme"
    flags = ["--distributed"] if distributed else []
    generated = martello(
        tmp_path, "new", "project", str(project), "--module", "billing", "--module", "shipping", *flags
    )
    assert generated.returncode == 0, generated.stderr
    package = project / "src/acme"
    assert (package / "modules/billing/domain/billing.py").is_file()
    assert (package / "adapters/postgres").is_dir() is distributed
    assert (package / "adapters/nats").is_dir() is distributed
    assert not (package / "runtime/demo.py").exists()
    assert os.access(project / ".ci/run", os.X_OK)
    assert "make test" in (project / "README.md").read_text()
    assert martello_imports(project) == []

    passes(project, tool("ruff"), "check", "src", "tests")
    passes(project, tool("lint-imports"))
    passes(project, tool("mypy"))
    passes(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")


def test_an_embedded_project_refuses_a_server_url_with_exit_status_2(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    assert martello(tmp_path, "new", "project", str(project), "--module", "billing").returncode == 0
    refused = run(
        project, sys.executable, "-m", "acme.runtime.cli", "run", "--store-url", "postgresql://127.0.0.1/none"
    )
    assert refused.returncode == 2, refused.stderr
    assert "no PostgreSQL adapter" in refused.stderr


def test_dry_run_lists_the_project_and_writes_nothing(tmp_path: Path) -> None:
    listed = martello(tmp_path, "new", "project", str(tmp_path / "acme"), "--module", "billing", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert "create src/acme/kernel/aggregate.py" in listed.stdout.splitlines()
    assert "create src/acme/modules/billing/module.py" in listed.stdout.splitlines()
    assert files_under(tmp_path) == set()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--name", "json"], "standard library"),
        (["--name", "martello"], "taken"),
        (["--name", "Acme"], "not valid"),
        (["--module", "while"], "Python keyword"),
        (["--module", "billing", "--module", "billing"], "named twice"),
    ],
)
def test_bad_names_are_refused_with_exit_status_2(tmp_path: Path, args: list[str], reason: str) -> None:
    refused = martello(tmp_path, "new", "project", str(tmp_path / "acme"), *args)
    assert refused.returncode == 2
    assert reason in refused.stderr
    assert files_under(tmp_path) == set()


def test_a_project_is_never_generated_into_a_directory_with_files(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme/notes.txt").write_text("mine")
    refused = martello(tmp_path, "new", "project", str(tmp_path / "acme"), "--module", "billing")
    assert refused.returncode == 2
    assert "not empty" in refused.stderr
    assert files_under(tmp_path) == {Path("acme/notes.txt")}


def test_new_documents_each_option_with_an_example(tmp_path: Path) -> None:
    for kind, options in {
        "module": ["--aggregate", "--dry-run"],
        "project": ["--name", "--module", "--distributed"],
    }.items():
        shown = martello(tmp_path, "new", kind, "--help")
        assert shown.returncode == 0
        for option in options:
            assert option in shown.stdout.split("options:")[1], option
            assert any(option in line for line in shown.stdout.split("examples:")[1].splitlines()), option
