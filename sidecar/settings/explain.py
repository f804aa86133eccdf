"""Validation errors as one line per problem: where, which key, what is wrong, what was expected
(an unknown key with the closest valid one)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from sidecar.settings.model import Settings


def _line_of(text: str, loc: list[int | str]) -> int | None:
    """The line (1-based) where the key at `loc` is written, when it can be found."""
    names = [p for p in loc if isinstance(p, str)]
    if not names or not text:
        return None
    table: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            table = line.strip("[] ").split(".")
            continue
        key = line.split("=", 1)[0].strip().strip('"') if "=" in line else None
        if key == names[-1] and table == names[:-1]:
            return n
    return None


def explain(
    exc: ValidationError, source: str, text: str = "", from_env: Mapping[str, str] | None = None
) -> str:
    """One line per problem: file and line (or the environment variable), dotted key, what
    is wrong, what was expected."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        key = _dotted(loc)
        line = _line_of(text, loc)
        if from_env and key in from_env:
            where = f"environment variable {from_env[key]}"
        else:
            where = f"{source}, line {line}" if line else source
        if err["type"] == "extra_forbidden":
            hint = _closest(loc)
            suggestion = f"; did you mean '{hint}'?" if hint else ""
            lines.append(f"{where}: unknown key '{key}'{suggestion}")
        elif err["type"] == "missing":
            lines.append(f"{where}: missing required key '{key}'")
        else:
            got = err.get("input")
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: bad value for '{key}' ({shown}): {msg}")
    return "\n".join(lines)


def _dotted(loc: list[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _closest(loc: list[int | str]) -> str | None:
    """Closest valid key for an unknown key at `loc`, as a dotted path."""
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _model_of(field.annotation) or model
    candidates = [name for name in model.model_fields if name != "source"]
    match = difflib.get_close_matches(str(loc[-1]), candidates, n=1, cutoff=0.5)
    if not match:
        return None
    return _dotted([*loc[:-1], match[0]])


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None
