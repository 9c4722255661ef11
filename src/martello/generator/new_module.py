"""`martello new module NAME`: a new bounded context in a checkout, from the template, registered."""

from __future__ import annotations

import re
from pathlib import Path

from martello.generator.files import Plan, Refused, replace_once
from martello.generator.names import InvalidName, ModuleNames
from martello.generator.rename import rename, replacements

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "template"
TEMPLATE_TESTS_DIR = HERE / "template-tests"
NGINX_ROUTE = re.compile(r"(location ~ \^/api/v1/\()([a-z0-9_|]+)(\)\(/\|\$\))")


def module_files(names: ModuleNames, package: str = "martello") -> dict[Path, str]:
    """The module's source and tests, relative to the project root."""
    table = replacements(names, package)
    files: dict[Path, str] = {}
    for source in sorted(TEMPLATE_DIR.rglob("*.py")):
        relative = Path(rename(str(source.relative_to(TEMPLATE_DIR)), table))
        files[Path("src", package, "modules", names.module) / relative] = rename(source.read_text(), table)
    tests = Path("tests", names.module)
    files[tests / "__init__.py"] = ""
    for source in sorted(TEMPLATE_TESTS_DIR.glob("*.py")):
        files[tests / rename(source.name, table)] = rename(source.read_text(), table)
    return files


def registry_line(names: ModuleNames, package: str) -> str:
    return f'    "{names.module}": "{package}.modules.{names.module}.module:{names.module_class}Module",\n'


def find_checkout(start: Path) -> Path:
    """The Martello checkout holding `start` (its root has pyproject.toml and src/martello/runtime/registry.py)."""
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file() and (directory / "src/martello/runtime/registry.py").is_file():
            return directory
    raise Refused(f"{start} is not inside a Martello checkout (no src/martello/runtime/registry.py above it)")


def plan_module(root: Path, module: str, aggregate: str | None = None) -> Plan:
    """Everything `martello new module` writes into the checkout at `root`."""
    names = ModuleNames.of(module, aggregate)
    registry = root / "src/martello/runtime/registry.py"
    if f'"{names.module}":' in registry.read_text() or (root / "src/martello/modules" / names.module).exists():
        raise InvalidName(f"module {names.module!r} already exists")
    if (root / "tests" / names.module).exists():
        raise Refused(f"tests/{names.module} already exists: refusing to mix a new module's tests into it")
    plan = Plan(root)
    for path, text in module_files(names).items():
        plan.add(path, text)
    line = registry_line(names, "martello")
    plan.edit(Path("src/martello/runtime/registry.py"), lambda text: add_to_registry(text, line))
    plan.edit(Path("docker-compose.yml"), lambda text: add_service(text, names.module))
    plan.edit(Path("deploy/nginx.conf"), lambda text: add_route(text, names.module))
    return plan


def add_to_registry(text: str, line: str) -> str:
    return replace_once(text, "\n}\n\nMODULE_NAMES", f"\n{line.rstrip()}\n}}\n\nMODULE_NAMES", "the registry")


def add_service(text: str, module: str) -> str:
    service = f'  {module}:\n    <<: *service\n    command: ["martello", "run", "--modules", "{module}"]\n\n'
    text = replace_once(text, "\n  proxy:\n", f"\n{service}  proxy:\n", "docker-compose.yml")
    match = re.search(r"(\n  proxy:\n(?:    .*\n)*?    depends_on: \[)([^\]]*)(\])", text)
    if match is None:
        raise Refused("cannot edit docker-compose.yml: the proxy has no depends_on list")
    return f"{text[: match.start(2)]}{match.group(2)}, {module}{text[match.end(2) :]}"


def add_route(text: str, module: str) -> str:
    if len(NGINX_ROUTE.findall(text)) != 1:
        raise Refused("cannot edit deploy/nginx.conf: expected one location ~ ^/api/v1/(...) route")
    return NGINX_ROUTE.sub(lambda m: f"{m.group(1)}{m.group(2)}|{module}{m.group(3)}", text)
