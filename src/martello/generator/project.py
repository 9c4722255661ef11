"""`martello new project DIR`: a standalone project whose package holds its own copy of Martello's kernel,
adapters, web toolkit and runtime, rewritten from `martello` to the project's package, plus its modules
generated from the template. It imports nothing from `martello`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from martello.generator.files import Plan, Refused, replace_once
from martello.generator.names import InvalidName, ModuleNames, check_package
from martello.generator.new_module import module_files, registry_line

SOURCE = Path(__file__).resolve().parents[1]
"""Martello's own package: what the project's copy is taken from."""
CHECKOUT = SOURCE.parents[1]
COPIED = ("kernel", "adapters", "web", "runtime")
SERVER_ADAPTERS = (Path("adapters/postgres"), Path("adapters/nats"))
"""Copied only into a --distributed project; an embedded one runs on SQLite and the in-process bus."""
SERVER_PACKAGES = ("psycopg", "psycopg-pool", "nats-py")
EMBEDDED_ONLY = (
    (
        re.compile(
            r"( +)from martello\.adapters\.postgres import PostgresStorage\n(?:.*\n)*?\1return PostgresStorage\(.*\)\n"
        ),
        r'\1raise ConfigError("MTL_STORE_URL: this project has no PostgreSQL adapter (not generated --distributed)")\n',
    ),
    (
        re.compile(r"( +)from martello\.adapters\.nats import JetStreamBus\n(?:.*\n)*?\1return JetStreamBus\(.*\)\n"),
        r'\1raise ConfigError("MTL_BUS_URL: this project has no NATS adapter (not generated --distributed)")\n',
    ),
)
"""runtime/topology.py without the server adapters: naming a server is a configuration error."""
LEFT_OUT = {
    Path("runtime/demo.py"): "fills Martello's shop with its own modules' data",
}
SHOP_ONLY_LINES = (
    "from martello.runtime.demo import add_demo_parser\n",
    "    add_demo_parser(commands)\n",
    "from martello.generator.command import add_new_parser\n",
    "    add_new_parser(commands)\n",
)
"""Lines of runtime/cli.py that reach what a project does not copy (the demo, the generator)."""
MARTELLO_PACKAGES = re.compile(r"\bmartello(?=\.(?:kernel|adapters|web|runtime|modules)\b)")
MARTELLO_IMPORT = re.compile(r"^(\s*)from martello import", re.MULTILINE)
DEV_TOOLS = ("pytest", "pytest-asyncio", "pytest-timeout", "hypothesis", "ruff", "mypy", "import-linter")


def rewrite(text: str, package: str) -> str:
    """Martello's source with every reference to its packages pointing at `package` instead."""
    return MARTELLO_IMPORT.sub(rf"\1from {package} import", MARTELLO_PACKAGES.sub(package, text))


def plan_project(directory: Path, package: str | None, modules: Sequence[str], distributed: bool = False) -> Plan:
    directory = directory.resolve()
    if not (CHECKOUT / "tests/conftest.py").is_file():
        raise Refused(f"{CHECKOUT} is not a Martello checkout: a project is generated from one (its tests too)")
    package = package or directory.name.replace("-", "_").lower()
    check_package(package)
    names = [ModuleNames.of(module) for module in modules]
    if len({n.module for n in names}) != len(names):
        raise InvalidName("a module is named twice")
    if directory.exists() and any(directory.iterdir()):
        raise Refused(f"{directory} exists and is not empty: refusing to write into it")
    plan = Plan(directory)
    src = Path("src", package)
    for part in COPIED:
        for source in sorted((SOURCE / part).rglob("*.py")):
            relative = source.relative_to(SOURCE)
            server_adapter = any(folder in relative.parents for folder in SERVER_ADAPTERS)
            if relative not in LEFT_OUT and (distributed or not server_adapter):
                plan.add(src / relative, rewrite(source.read_text(), package))
    cli = shop_free_cli((SOURCE / "runtime/cli.py").read_text())
    if not distributed:
        topology = embedded_topology((SOURCE / "runtime/topology.py").read_text())
        plan.add(src / "runtime/topology.py", rewrite(topology, package))
        cli = embedded_cli(cli)
    plan.add(src / "runtime/cli.py", rewrite(cli, package))
    plan.add(src / "runtime/registry.py", registry(package, names))
    plan.add(
        src / "__init__.py",
        f'"""{package}: event-sourced services on the Martello architecture."""\n\n__version__ = "0.1.0"\n',
    )
    plan.add(src / "modules/__init__.py", f'"""The bounded contexts of {package}, one package each."""\n')
    for module in names:
        for path, text in module_files(module, package).items():
            plan.add(path, rewrite(text, package))
    plan.add(Path("tests/__init__.py"), "")
    plan.add(Path("tests/conftest.py"), rewrite((CHECKOUT / "tests/conftest.py").read_text(), package))
    plan.add(Path("pyproject.toml"), pyproject(package, distributed))
    plan.add(Path("Makefile"), MAKEFILE.replace("PACKAGE", package))
    plan.add(Path(".ci/run"), CI_RUN, executable=True)
    plan.add(Path(".gitignore"), (CHECKOUT / ".gitignore").read_text())
    plan.add(Path("README.md"), readme(package, names, distributed))
    return plan


def shop_free_cli(text: str) -> str:
    for line in SHOP_ONLY_LINES:
        text = replace_once(text, line, "", "runtime/cli.py")
    return text


def embedded_topology(text: str) -> str:
    for pattern, replacement in EMBEDDED_ONLY:
        text, count = pattern.subn(replacement, text)
        if count != 1:
            raise Refused(f"cannot adapt runtime/topology.py to an embedded project: {pattern.pattern!r}")
    return text


def embedded_cli(text: str) -> str:
    """Without the PostgreSQL adapter there is no missing database to explain: its place is ConfigError's,
    which the command line already reports the same way (its message, exit status 2)."""
    old = "from martello.adapters.postgres import DatabaseMissing\n"
    new = "from martello.runtime.config import ConfigError as DatabaseMissing  # no PostgreSQL adapter here\n"
    if text.count(old) != 2:
        raise Refused("cannot adapt runtime/cli.py to an embedded project: expected two DatabaseMissing imports")
    return text.replace(old, new)


def registry(package: str, names: Sequence[ModuleNames]) -> str:
    text = rewrite((SOURCE / "runtime/registry.py").read_text(), package)
    match = re.search(r"MODULES: dict\[str, str\] = \{\n.*?\n\}", text, re.DOTALL)
    if match is None:
        raise Refused("cannot read Martello's runtime/registry.py: no MODULES table")
    lines = "".join(registry_line(n, package) for n in names)
    return f"{text[: match.start()]}MODULES: dict[str, str] = {{\n{lines}}}{text[match.end() :]}"


def pins() -> tuple[list[str], list[str]]:
    """Martello's own pinned runtime dependencies, and the pinned development tools a project uses."""
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["project"]
    dev = [pin for pin in project["optional-dependencies"]["dev"] if re.split(r"[=<>\[]", pin)[0] in DEV_TOOLS]
    return list(project["dependencies"]), dev


def pyproject(package: str, distributed: bool) -> str:
    dependencies, dev = pins()
    servers = ', "psycopg", "psycopg_pool", "nats"'
    if not distributed:
        dependencies = [pin for pin in dependencies if re.split(r"[=<>\[]", pin)[0] not in SERVER_PACKAGES]
        servers = ""
    listed = "".join(f'    "{pin}",\n' for pin in dependencies), "".join(f'    "{pin}",\n' for pin in dev)
    return PYPROJECT.format(package=package, dependencies=listed[0], dev=listed[1], servers=servers)


def readme(package: str, names: Sequence[ModuleNames], distributed: bool) -> str:
    routes = "\n".join(f"- `/api/v1/{n.module}/{n.aggregate_plural}`: the {n.module} module" for n in names)
    topology = (DISTRIBUTED if distributed else EMBEDDED).replace("PACKAGE", package)
    return README.format(package=package, routes=routes or "- (no module yet)", topology=topology)


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "{package}"
version = "0.1.0"
description = "Event-sourced services on the Martello architecture."
requires-python = ">=3.11"
dependencies = [
{dependencies}]

[project.optional-dependencies]
dev = [
{dev}]

[project.scripts]
{package} = "{package}.runtime.cli:main"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
addopts = "-q"
timeout = 300
timeout_method = "thread"

[tool.ruff]
line-length = 120
target-version = "py311"
src = ["src", "tests", "."]

[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP", "B", "SIM", "RUF"]
ignore = ["RUF012"]

[tool.mypy]
python_version = "3.11"
strict = true
packages = ["{package}"]
mypy_path = "src"

[tool.importlinter]
root_package = "{package}"
include_external_packages = true

[[tool.importlinter.contracts]]
name = "Dependencies point inward: runtime -> modules -> web -> kernel"
type = "layers"
layers = ["{package}.runtime", "{package}.modules", "{package}.web", "{package}.kernel"]
ignore_imports = ["{package}.runtime.** -> {package}.adapters.**"]

[[tool.importlinter.contracts]]
name = "The kernel imports only the standard library"
type = "forbidden"
source_modules = ["{package}.kernel"]
forbidden_modules = ["{package}.adapters", "{package}.web", "{package}.runtime", "{package}.modules", \
"fastapi", "starlette", "pydantic", "uvicorn", "orjson"{servers}]

[[tool.importlinter.contracts]]
name = "Modules use adapters only through kernel ports"
type = "forbidden"
source_modules = ["{package}.modules", "{package}.web"]
forbidden_modules = ["{package}.adapters", "uvicorn"{servers}]

[[tool.importlinter.contracts]]
name = "Nothing imports Martello: the project is self-contained"
type = "forbidden"
source_modules = ["{package}"]
forbidden_modules = ["martello"]
"""

MAKEFILE = """\
# PACKAGE: `make run` starts the service, `make test` checks it. Both set up .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck contracts clean

$(BIN)/python:
\t@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PACKAGE needs Python 3.11 or newer")'
\t$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
\t$(BIN)/python -m pip install --quiet --upgrade pip
\t$(BIN)/python -m pip install --quiet -e ".[dev]"
\ttouch $(STAMP)

run: $(STAMP)
\t$(BIN)/PACKAGE run

test: $(STAMP) lint contracts typecheck
\t$(BIN)/python -m pytest

lint: $(STAMP)
\t$(BIN)/ruff check src tests

contracts: $(STAMP)
\t$(BIN)/lint-imports

typecheck: $(STAMP)
\t$(BIN)/mypy

clean:
\trm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
"""

CI_RUN = """\
#!/usr/bin/env bash
# CI: the same command a developer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=true
make test
"""

README = """\
# {package}

```sh
make run    # creates .venv if missing, installs {package} into it, starts it on http://127.0.0.1:8080
make test   # the same set-up, then ruff, the import contracts, mypy and the whole pytest suite
```

Generated by `martello new project`: the package `{package}` holds its own copy of Martello's kernel, adapters,
web toolkit and runtime, and imports nothing from Martello. Its modules:

{routes}

{topology}

Open <http://127.0.0.1:8080/docs> for the API. Writes need an administrator's bearer token, signed with
`MTL_AUTH_SECRET` (see `src/{package}/web/auth.py`). To add a module, generate a scratch project with the
same package name (`martello new project /tmp/scratch --name {package} --module NAME`), copy its
`src/{package}/modules/NAME` and `tests/NAME` here and its line of `src/{package}/runtime/registry.py` into
this one's. Take later kernel improvements as Martello's docs/generator.md describes (regenerate into a
branch and merge).
"""

EMBEDDED = """\
Every module runs in one process on its own SQLite database under `./var`. (Generated without
`--distributed`: the PostgreSQL and NATS adapters are not included; regenerate with it to add them.)"""

DISTRIBUTED = """\
Every module runs in one process on its own SQLite database under `./var` by default; with
`MTL_STORE_URL=postgresql://...` and `MTL_BUS_URL=nats://...`, `.venv/bin/PACKAGE run --modules NAME`
runs a module as its own service on PostgreSQL and NATS JetStream."""
