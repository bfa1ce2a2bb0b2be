"""The repository documents itself, and the documents stay true of the code.

What a test can compare, it does: every CLI command and option against docs/cli.md, every
HTTP route against the docs, every setting (name and default) against docs/settings.md,
every link between documents. Adding a command, an option, a route or a setting without
documenting it fails here, with a message saying where to write what.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest
import typer
from pydantic import AliasChoices
from service_helpers import make_settings
from starlette.routing import Route

from sandbox import CANONICAL_SIZES
from sandbox.fonts import ALIASES, FAMILIES
from service.api.app import create_app
from service.cli import every_command
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOC_FILES = sorted(DOCS.glob("*.md"))
UNSET = "—"


# ---- reading markdown ---------------------------------------------------------------------


def prose_lines(path: Path) -> Iterator[str]:
    """The file's lines outside fenced code blocks."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def table_rows(lines: list[str]) -> list[list[str]]:
    """The cells of every table row (header and separator rows included)."""
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines if line.startswith("|")]


def first_code(cell: str) -> str | None:
    m = re.search(r"`([^`]+)`", cell)
    return m.group(1) if m else None


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for line in prose_lines(path) if (m := re.match(r"#{1,6} (.+)", line))}


# ---- the repository points only at itself ---------------------------------------------------


def repository_text_files() -> Iterator[Path]:
    """The repository's own sources and documents (not the virtualenv, not this file)."""
    me = Path(__file__).resolve()
    yield from (
        ROOT / name
        for name in ("README.md", "Makefile", "Dockerfile", "docker-compose.yml", "pyproject.toml")
    )
    for folder in ("sandbox", "service", "scripts", "tests", "docs", "templates", "prompts"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".md", ".js", ".html", ".css", ".j2", ".sh"} and path != me:
                yield path


def test_nothing_points_at_a_design_document_outside_the_repository() -> None:
    pattern = re.compile(r"\bDESIGN(?:\.md|\s*§)")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in repository_text_files()
        if path.is_file()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, f"a clone has no design document: point these at docs/ instead: {offenders}"


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOC_FILES], ids=lambda p: p.name)
def test_every_link_between_documents_resolves(path: Path) -> None:
    broken: list[str] = []
    for line in prose_lines(path):
        line = re.sub(r"`[^`]*`", "", line)  # code spans show code, not links
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto: — not ours to check
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{target} (no heading with that anchor)")
    assert not broken, f"{path.name}: {broken}"


def test_the_docs_index_lists_every_document() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)\)", index))
    missing = sorted(p.name for p in DOC_FILES if p.name != "index.md" and p.name not in linked)
    assert not missing, f"add these to docs/index.md: {missing}"


def test_the_readme_starts_with_the_two_commands() -> None:
    first_block = (ROOT / "README.md").read_text(encoding="utf-8").split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


# ---- the composition contract ---------------------------------------------------------------


def composition_section(title: str) -> list[str]:
    lines = list(prose_lines(DOCS / "composition.md"))
    start = lines.index(f"## {title}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def test_the_layout_sizes_are_the_renderers() -> None:
    documented: dict[str, tuple[int, ...]] = {}
    for row in table_rows(composition_section("Layout size and output size")):
        aspect = first_code(row[0])
        if aspect and re.fullmatch(r"\d+:\d+", aspect):
            documented[aspect] = tuple(int(n) for n in re.findall(r"\d+", row[1]))
    assert documented == CANONICAL_SIZES


def test_the_fonts_are_the_bundled_ones() -> None:
    section = composition_section("Fonts")
    text = "\n".join(section)
    named = {" ".join(name.split()) for name in re.findall(r"\*\*([^*]+)\*\*", text)}
    assert named == {f.name for f in FAMILIES}
    documented = {name: row[1] for row in table_rows(section) for name in re.findall(r"`([^`]+)`", row[0])}
    assert documented == {name: targets[0] for name, targets in ALIASES.items()}


# ---- settings -------------------------------------------------------------------------------


def env_names(name: str) -> set[str]:
    """The environment variables that set a Settings field."""
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return {str(choice) for choice in alias.choices}
    if isinstance(alias, str):
        return {alias}
    return {f"{Settings.model_config.get('env_prefix', '')}{name}".upper()}


def documented_settings() -> dict[frozenset[str], str]:
    """docs/settings.md: the env names of each table row → the row's default cell."""
    rows = table_rows(list(prose_lines(DOCS / "settings.md")))
    return {
        frozenset(names): row[1]
        for row in rows
        if len(row) >= 3 and (names := re.findall(r"`([A-Z][A-Z0-9_]+)`", row[0]))
    }


def default_matches(cell: str, default: object) -> bool:
    token = first_code(cell)
    if default is None or default == "":  # an empty string is "nothing set"
        return cell.startswith(UNSET)
    if token is None:
        return False
    if isinstance(default, bool):
        return token == str(default).lower()
    if isinstance(default, int | float):
        try:
            return float(token) == float(default)
        except ValueError:
            return False
    if isinstance(default, Path):
        return Path(token).expanduser() == default
    return token == str(default)


def test_every_setting_is_documented_with_its_default() -> None:
    documented = documented_settings()
    problems: list[str] = []
    for name, field in Settings.model_fields.items():
        names = frozenset(env_names(name))
        default = field.get_default(call_default_factory=True)
        if names not in documented:
            shown = " or ".join(f"`{n}`" for n in sorted(names))
            problems.append(f"{name}: add a row naming {shown}, its default and its meaning")
        elif not default_matches(documented[names], default):
            expected = UNSET if default is None else f"`{default}`"
            problems.append(f"{name}: the default shown is {documented[names]!r}, the code's is {expected}")
    assert not problems, "docs/settings.md:\n" + "\n".join(problems)


def test_docs_list_no_setting_the_code_lacks() -> None:
    real = {frozenset(env_names(name)) for name in Settings.model_fields}
    stale = [sorted(names) for names in documented_settings() if names not in real]
    assert not stale, f"docs/settings.md lists settings that do not exist: {stale}"


def test_every_setting_has_a_docstring() -> None:
    missing = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert not missing, f'give these fields a """docstring""" line in service/settings.py: {missing}'


# ---- the command line -----------------------------------------------------------------------


def cli_sections() -> dict[str, tuple[str, list[list[str]], str]]:
    """docs/cli.md: command → (heading, its table rows, its text), one per `## seekreel …` section."""
    sections: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in prose_lines(DOCS / "cli.md"):
        if line.startswith("## "):
            m = re.match(r"## `seekreel ([a-z][a-z-]*)\b([^`]*)`$", line)
            current = m.group(1) if m else None
            if current:
                sections[current] = (line, [])
        elif current:
            sections[current][1].append(line)
    return {name: (head, table_rows(lines), "\n".join(lines)) for name, (head, lines) in sections.items()}


def option_cells(rows: list[list[str]]) -> dict[str, list[str]]:
    """Each option named at the start of a code span in a row's first cell → that row."""
    return {opt: row for row in rows for opt in re.findall(r"`(--?[a-z][\w-]*)", row[0])}


def shown_default(default: object) -> str | None:
    """How a default is written in the docs; None when it is not a literal (unset, off, a list)."""
    if default is None or default is False or isinstance(default, list | tuple):
        return None
    if isinstance(default, Enum):
        return str(default.value)
    if isinstance(default, float):
        return f"{default:g}"
    return str(default)


# An app with several commands is a group; get_command is typed as returning any command.
COMMANDS = typer.main.get_command(every_command()).commands  # type: ignore[attr-defined]


def test_every_command_has_a_section_in_cli_md() -> None:
    documented = set(cli_sections())
    assert documented == set(COMMANDS), (
        f"commands without a '## `seekreel NAME …`' section in docs/cli.md: {sorted(set(COMMANDS) - documented)}; "
        f"sections for commands that do not exist: {sorted(documented - set(COMMANDS))}"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_a_command_is_documented(name: str) -> None:
    heading, rows, text = cli_sections()[name]
    cells = option_cells(rows)
    params = COMMANDS[name].params
    problems: list[str] = []
    for p in params:
        if p.param_type_name == "argument":
            if p.name.upper() not in heading:
                problems.append(f"name the argument {p.name.upper()} in the heading")
            continue
        for opt in [*p.opts, *p.secondary_opts]:
            if opt not in cells:
                problems.append(f"add a row for {opt}")
        row = cells.get(p.opts[-1])
        if row is None:
            continue
        if p.required:
            if "required" not in row[1]:
                problems.append(f"{p.opts[-1]}: say that it is required")
        elif (text_default := shown_default(p.default)) is not None and text_default not in row[1]:
            problems.append(f"{p.opts[-1]}: the default is {text_default}, docs/cli.md says {row[1]!r}")
    real = {opt for p in params for opt in [*p.opts, *p.secondary_opts]}
    problems += [f"{opt} is documented but does not exist" for opt in cells if opt not in real]
    if "Exit status" not in text:
        problems.append("say which exit statuses it uses ('Exit status: …')")
    assert not problems, f"docs/cli.md, seekreel {name}: " + "; ".join(problems)


# ---- the HTTP surface -----------------------------------------------------------------------

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_ROUTE_RE = re.compile(rf"`((?:{'|'.join(METHODS)})(?:/(?:{'|'.join(METHODS)}))*) (/[^\s`?#]*)")


def route_key(method: str, path: str) -> tuple[str, str]:
    """A route with its parameter names forgotten: /drafts/{id} is /drafts/{draft_id}."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def documented_routes() -> dict[tuple[str, str], str]:
    """Routes written as `METHOD /path` in the docs and the README → the file that names them."""
    found: dict[tuple[str, str], str] = {}
    for path in [ROOT / "README.md", *DOC_FILES]:
        for line in prose_lines(path):
            for methods, route in _ROUTE_RE.findall(line):
                for method in methods.split("/"):
                    found.setdefault(route_key(method, route), path.name)
    return found


Routes = set[tuple[str, str]]


@pytest.fixture(scope="module")
def service_routes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Routes, Routes]:
    """(routes in the OpenAPI document, every route the app answers), with the Slack bot mounted."""
    settings = make_settings(
        tmp_path_factory.mktemp("docs"), slack_signing_secret="docs-test", slack_bot_token="xoxb-docs-test"
    )
    app = create_app(settings)
    published = {
        route_key(method, path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() in METHODS
    }
    hidden = {
        route_key(method, r.path)
        for r in app.routes
        if isinstance(r, Route) and r.methods
        for method in r.methods
        if method in METHODS
    }
    return published, published | hidden


def test_every_published_route_is_documented(service_routes: tuple[Routes, Routes]) -> None:
    published, _ = service_routes
    missing = sorted(published - set(documented_routes()))
    assert not missing, f"write these routes into docs/api.md as `METHOD /path`: {missing}"


def test_every_documented_route_exists(service_routes: tuple[Routes, Routes]) -> None:
    _, answered = service_routes
    stale = {route: doc for route, doc in documented_routes().items() if route not in answered}
    assert not stale, f"documented routes the service does not have: {stale}"
