"""Reading what users pass on the command line: composition files, variables, an aspect and
where to write."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox import ASPECTS, is_aspect, is_placeholder_name, variable_text

from .app import fail


def read_composition(page: Path) -> str:
    """The text of an HTML file, or one clear error line for a missing or non-HTML file."""
    if not page.exists():
        fail(f"{page}: no such file")
    if page.is_dir():
        fail(f"{page} is a folder; give the composition's .html file")
    try:
        text = page.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{page} is not a text file (expected an HTML composition)")
    except OSError as exc:
        fail(f"cannot read {page}: {exc.strerror}")
    head = text.lstrip()[:2048].lower()
    if not (head.startswith("<!doctype html") or "<html" in head):
        fail(f"{page} does not look like HTML (no <!doctype html> or <html> at the start)")
    return text


def read_variables(pairs: list[str] | None, vars_file: Path | None = None) -> dict[str, str]:
    """Variables from --vars-file (JSON object) then --var NAME=VALUE (later ones win)."""
    values: dict[str, str] = {}
    if vars_file is not None:
        try:
            data = json.loads(vars_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            fail(f"--vars-file {vars_file}: no such file")
        except (OSError, ValueError) as exc:
            fail(f"--vars-file {vars_file} is not valid JSON: {exc}")
        if not isinstance(data, dict):
            fail(f"--vars-file {vars_file} must hold a JSON object of NAME: value")
        values.update({str(k): variable_text(v) for k, v in data.items()})
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep:
            fail(f"--var {pair!r} must look like NAME=VALUE")
        if not is_placeholder_name(name):
            fail(f"--var {name!r}: names are upper case letters, digits and _ (e.g. TITLE)")
        values[name] = value
    for name in values:
        if not is_placeholder_name(name):
            fail(f"variable {name!r}: names are upper case letters, digits and _ (e.g. TITLE)")
    return values


def check_aspect(aspect: str | None) -> None:
    """`--aspect` names one of the renderer's layouts (None: not given)."""
    if aspect is not None and not is_aspect(aspect):
        fail(f"--aspect {aspect!r} is not supported: use one of {', '.join(ASPECTS)}")


def check_output(path: Path) -> None:
    """A file may be written at `path`: not a folder, in a folder that exists."""
    if path.is_dir():
        fail(f"{path} is a folder: give a file name")
    if not path.parent.is_dir():
        fail(f"output folder {path.parent} does not exist")
