"""Responses into models: a response Immich should never send is one line naming the field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sidecar.immich_client.errors import ImmichProtocolError
from sidecar.immich_client.models import ModelError, convert

M = TypeVar("M")


def parse(model: type[M], data: Any, what: str) -> M:
    try:
        return convert(model, data)
    except ModelError as exc:
        raise ImmichProtocolError(describe(exc, what)) from None


def parse_list(model: type[M], data: Any, what: str) -> list[M]:
    return parse(list[model], data, what)  # type: ignore[valid-type]


_MISSING = re.compile(r"missing required field `([^`]*)`(?: - at `\$?([^`]*)`)?")
_AT = re.compile(r"^(.*?)(?: - at `\$?([^`]*)`)?$")


def describe(exc: ModelError, what: str) -> str:
    """One line naming the field: "field 'assets.items[0].originalPath' is missing"."""
    text = str(exc)
    missing = _MISSING.search(text)
    if missing:
        field = f"{(missing[2] or '').lstrip('.')}.{missing[1]}".lstrip(".")
        return f"unexpected response from Immich for {what}: field '{field}' is missing"
    if text == "not JSON":
        return f"unexpected response from Immich for {what}: not JSON"
    problem, at = _AT.match(text).groups()  # type: ignore[union-attr]
    where = f"field '{at.lstrip('.')}' " if at else ""
    return f"unexpected response from Immich for {what}: {where}is invalid ({problem})"
