"""The `martello new` command line: `new module` and `new project`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from martello.generator.files import Plan, Refused
from martello.generator.names import InvalidName
from martello.generator.new_module import find_checkout, plan_module
from martello.generator.project import plan_project

NEW_DESCRIPTION = """\
Generate code from Martello's own: a bounded context inside this checkout (`new module`), or a standalone
project with its own copy of the kernel, adapters, web toolkit and runtime (`new project`).
Nothing existing is overwritten; invalid names are refused with exit status 2. See docs/generator.md."""

MODULE_DESCRIPTION = """\
Add src/martello/modules/NAME and tests/NAME from the template module, and register the module: its line in
src/martello/runtime/registry.py, its service in docker-compose.yml and its route in deploy/nginx.conf
(mypy --strict already covers all of src/). Run it inside a Martello checkout."""

PROJECT_DESCRIPTION = """\
Create DIR (absent or empty) holding the package PACKAGE: a copy of Martello's kernel, SQLite adapter, web
toolkit and runtime with imports rewritten to PACKAGE, its modules generated from the template with their
tests, a pyproject.toml with pinned dependencies and import contracts, a Makefile (`make run`, `make test`)
and .ci/run. It imports nothing from martello."""

MODULE_EPILOG = """\
examples:
  martello new module payments                    # aggregate Payment, served under /api/v1/payments
  martello new module shipping --aggregate Parcel # aggregate Parcel, routes /api/v1/shipping/parcels
  martello new module payments --dry-run          # list the files it would create and edit"""


PROJECT_EPILOG = """\
examples:
  martello new project /tmp/acme --module billing           # package acme, one module
  martello new project ~/shop --name myshop --module billing --module shipping
  martello new project /tmp/acme --module billing --distributed  # with the PostgreSQL and NATS adapters
  martello new project /tmp/acme --module billing --dry-run      # list the files it would create"""


def add_new_parser(commands: Any) -> None:
    new = commands.add_parser(
        "new",
        help="generate a module or a project from Martello's own code",
        description=NEW_DESCRIPTION,
        epilog="examples:\n  martello new module payments\n  martello new project /tmp/acme --module billing",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = new.add_subparsers(dest="new_command", required=True, metavar="{module,project}")
    module = kinds.add_parser(
        "module",
        help="add a bounded context to this checkout, registered and tested",
        description=MODULE_DESCRIPTION,
        epilog=MODULE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.add_argument("name", metavar="NAME", help="the module: lower case letters, digits, '_' (e.g. payments)")
    module.add_argument(
        "--aggregate",
        metavar="Name",
        help="its aggregate's class name, CamelCase (e.g. --aggregate Parcel; default: NAME, singular, CamelCase)",
    )
    module.add_argument("--dry-run", action="store_true", help="list the files it would write, write nothing")
    module.set_defaults(handler=new_module_command)

    project = kinds.add_parser(
        "project",
        help="create a standalone project: its own kernel, adapters, web toolkit, runtime and modules",
        description=PROJECT_DESCRIPTION,
        epilog=PROJECT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    project.add_argument("directory", metavar="DIR", help="where to create it (e.g. /tmp/acme); absent or empty")
    project.add_argument(
        "--name", metavar="PACKAGE", help="its Python package (e.g. --name acme; default: DIR's last part)"
    )
    project.add_argument(
        "--module",
        metavar="NAME",
        action="append",
        default=[],
        help="a module to generate in it, repeatable (e.g. --module billing --module shipping)",
    )
    project.add_argument(
        "--distributed",
        action="store_true",
        help="also copy the PostgreSQL and NATS adapters (e.g. to run `PACKAGE run --modules billing` as a service)",
    )
    project.add_argument("--dry-run", action="store_true", help="list the files it would write, write nothing")
    project.set_defaults(handler=new_project_command)


def new_module_command(args: argparse.Namespace, settings: object) -> int:
    return _generate(lambda: plan_module(find_checkout(Path.cwd()), args.name, args.aggregate), args.dry_run)


def new_project_command(args: argparse.Namespace, settings: object) -> int:
    return _generate(lambda: plan_project(Path(args.directory), args.name, args.module, args.distributed), args.dry_run)


def _generate(planning: Any, dry_run: bool) -> int:
    try:
        plan: Plan = planning()
        plan.check()
        if dry_run:
            print("\n".join(plan.describe()))
            return 0
        plan.write()
    except (InvalidName, Refused) as error:
        print(f"martello new: {error}", file=sys.stderr)
        return 2
    print("\n".join(plan.describe()))
    return 0
