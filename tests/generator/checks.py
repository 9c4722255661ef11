"""Running a generated tree's own checks with this interpreter and its installed tools (no new venv): ruff,
import-linter, mypy and pytest, each with the generated `src` first on the import path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SKIPPED = shutil.ignore_patterns("__pycache__", "*.egg-info", ".mypy_cache", ".pytest_cache", ".ruff_cache")


def copy_checkout(target: Path) -> Path:
    """The parts of this checkout a new module touches or is checked with, copied to `target`."""
    for folder in ("src", "tests", "bench", "deploy"):
        shutil.copytree(ROOT / folder, target / folder, ignore=SKIPPED)
    for name in ("pyproject.toml", "docker-compose.yml"):
        shutil.copy2(ROOT / name, target / name)
    return target


def run(root: Path, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def martello(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(root, sys.executable, "-m", "martello.runtime.cli", *args)


def passes(root: Path, *command: str) -> None:
    result = run(root, *command)
    assert result.returncode == 0, f"{' '.join(command)} failed in {root}:\n{result.stdout}\n{result.stderr}"


def tool(name: str) -> str:
    return str(BIN / name)


def files_under(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
