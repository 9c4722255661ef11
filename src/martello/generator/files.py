"""What a generation writes: new files, and edits to existing ones, checked before the first byte is written."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class Refused(Exception):
    """The generation would harm something (overwrite a file, edit a file it cannot understand)."""


@dataclass
class Plan:
    root: Path
    new: dict[Path, str] = field(default_factory=dict)
    """Files to create (relative to root) and their text."""
    edits: dict[Path, Callable[[str], str]] = field(default_factory=dict)
    """Existing files to change (relative to root), and how."""
    executables: set[Path] = field(default_factory=set)

    def add(self, path: Path, text: str, executable: bool = False) -> None:
        self.new[path] = text
        if executable:
            self.executables.add(path)

    def edit(self, path: Path, change: Callable[[str], str]) -> None:
        self.edits[path] = change

    def check(self) -> dict[Path, str]:
        """The edited files' new text; Refused if a file to create exists or an edit cannot apply."""
        existing = sorted(str(path) for path in self.new if (self.root / path).exists())
        if existing:
            raise Refused(f"refusing to overwrite existing files: {', '.join(existing)}")
        edited: dict[Path, str] = {}
        for path, change in self.edits.items():
            target = self.root / path
            if not target.is_file():
                raise Refused(f"{target} does not exist: is this a checkout?")
            edited[path] = change(target.read_text())
        return edited

    def describe(self) -> list[str]:
        return [f"create {path}" for path in sorted(self.new)] + [f"edit   {path}" for path in sorted(self.edits)]

    def write(self) -> None:
        edited = self.check()
        for path, text in sorted(self.new.items()):
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x") as file:  # "x": never overwrite, even a file that appeared meanwhile
                file.write(text)
            if path in self.executables:
                target.chmod(0o755)
        for path, text in edited.items():
            (self.root / path).write_text(text)
        tidy(self.root, [self.root / path for path in self.new if path.suffix == ".py"])


def tidy(root: Path, files: list[Path]) -> None:
    """Renamed code has other line lengths and import orders: let ruff (a dev dependency) wrap its lines and
    sort its imports, with the target's own configuration. Without ruff, say what to run."""
    if not files:
        return
    if importlib.util.find_spec("ruff") is None:
        print("ruff is not installed here: run `ruff format` and `ruff check --fix` on the new files", file=sys.stderr)
        return
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "format", "--quiet", "--no-cache", *map(str, files)], cwd=root, check=False)
    subprocess.run(
        [*ruff, "check", "--quiet", "--no-cache", "--fix", "--select", "I", *map(str, files)], cwd=root, check=False
    )


def replace_once(text: str, old: str, new: str, where: str) -> str:
    """`text` with its one occurrence of `old` replaced; Refused if there is not exactly one."""
    count = text.count(old)
    if count != 1:
        raise Refused(f"cannot edit {where}: expected one {old.strip()!r}, found {count}")
    return text.replace(old, new)
