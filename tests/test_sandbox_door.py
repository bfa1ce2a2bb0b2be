"""The sandbox's public API is the only door: service/ and scripts/ import `from sandbox import …`
names that sandbox/__init__.py exports, and the sandbox imports nothing of the service."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import sandbox

ROOT = Path(__file__).resolve().parent.parent


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every import in the file, nested ones too."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module, [alias.name for alias in node.names]


@pytest.mark.parametrize("path", python_files("service", "scripts"), ids=lambda p: str(p.relative_to(ROOT)))
def test_service_and_scripts_use_only_the_public_api(path: Path) -> None:
    wrong = []
    for line, module, names in imports(path):
        if module.startswith("sandbox."):
            wrong.append(f"line {line}: {module}")
        elif module == "sandbox":
            wrong.extend(
                f"line {line}: sandbox.{n} is not exported" for n in names if n not in sandbox.__all__
            )
    assert not wrong, f"{path.relative_to(ROOT)} goes around sandbox/__init__.py: {wrong}"


def test_the_sandbox_knows_nothing_of_the_service() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in python_files("sandbox")
        for line, module, _ in imports(path)
        if module == "service" or module.startswith("service.")
    ]
    assert not wrong


def test_the_check_sees_a_private_import() -> None:
    """The parser really finds the imports it polices (absolute, relative, nested in a function)."""
    found = {m for _, m, _ in imports(ROOT / "scripts/bench.py")} | {
        m for _, m, _ in imports(ROOT / "service/api/app.py")
    }
    assert "sandbox" in found  # bench imports it inside functions
    assert "service.slack.routes" in found  # app.py's relative `from ..slack.routes import …`


def test_everything_exported_exists() -> None:
    assert all(hasattr(sandbox, name) for name in sandbox.__all__)
