"""Immich's OpenAPI specs: request/response validation and per-route permissions."""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.fake_immich.state import Mode

# Immich's published OpenAPI specs and exchanges recorded from real servers, kept in the
# repository (specs/README.md says where each comes from) so a fresh clone needs nothing else.
SPECS = Path(__file__).resolve().parent / "specs"


def spec_file(mode: Mode) -> Path:
    return SPECS / ("openapi-2.7.5.json" if mode is Mode.V2_7 else "openapi-3.3.0-rc.0.json")


@functools.cache
def _raw(mode: Mode) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(spec_file(mode).read_text(encoding="utf-8"))
    if mode is not Mode.V2_7:
        # No 3.1 or 3.2 spec is stored; the 3.3 spec is used without requiring the fields
        # its own history says were added after the emulated version (e.g. `nextCursor`,
        # 3.2.0: a 3.1 server does not send it, recorded-3x 019-022).
        data = copy.deepcopy(data)
        emulated = _version_tuple(mode.value)
        for schema in data["components"]["schemas"].values():
            props = schema.get("properties") or {}
            newer = {name for name, prop in props.items() if _added(prop) > emulated}
            if newer and "required" in schema:
                schema["required"] = [r for r in schema["required"] if r not in newer]
    _adapt(data)
    return data


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.lstrip("v").split("-")[0].split(".") if x.isdigit())


def _added(prop: dict[str, Any]) -> tuple[int, ...]:
    for entry in prop.get("x-immich-history") or []:
        if entry.get("state") == "Added":
            return (*_version_tuple(entry["version"]), 0, 0)
    return (0,)


def _adapt(node: Any) -> None:
    """Work around two limits of the validator without changing what the spec means:
    `nullable` next to a single-`$ref` `allOf` is ignored by openapi-core (rewritten as
    `oneOf` [ref, null]), and Python's `re` has no `\\p{..}` classes (mapped to `\\w`, `\\d`
    and the combining-marks block)."""
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if node.get("nullable") and isinstance(all_of, list) and len(all_of) == 1:
            node.pop("allOf")
            node["oneOf"] = [all_of[0], {"type": "object", "nullable": True, "enum": [None]}]
        pattern = node.get("pattern")
        if isinstance(pattern, str) and "\\p{" in pattern:
            node["pattern"] = (
                pattern.replace("\\p{L}", "\\w")
                .replace("\\p{N}", "\\d")
                .replace("\\p{M}", "\\u0300-\\u036f")
            )
        for value in node.values():
            _adapt(value)
    elif isinstance(node, list):
        for value in node:
            _adapt(value)


@functools.cache
def openapi(mode: Mode) -> OpenAPI:
    # the stored specs do not pass the strict spec validator (an http security scheme with
    # `in: header`); validating requests and responses against them works
    return OpenAPI.from_dict(_raw(mode), config=Config(spec_validator_cls=None))


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. /assets/{id}
    regex: re.Pattern[str]
    permission: str | None
    admin_only: bool


@functools.cache
def routes(mode: Mode) -> list[Route]:
    out = []
    for template, ops in _raw(mode)["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "([^/]+)", template) + "$"
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            out.append(
                Route(
                    method.upper(),
                    template,
                    re.compile(pattern),
                    op.get("x-immich-permission"),
                    bool(op.get("x-immich-admin-only")),
                )
            )
    # literal segments win over parameters (/api-keys/me before /api-keys/{id})
    out.sort(key=lambda r: r.template.count("{"))
    return out


def find_route(mode: Mode, method: str, path: str) -> Route | None:
    for route in routes(mode):
        if route.method == method and route.regex.match(path):
            return route
    return None


def validate(
    mode: Mode,
    method: str,
    path: str,
    query: dict[str, Any],
    headers: dict[str, str],
    body: bytes,
    status: int,
    response: bytes,
    content_type: str,
) -> list[str]:
    """Problems with the request or (for 2xx answers) the response, per the mode's spec."""
    problems: list[str] = []
    request = MockRequest(
        "http://127.0.0.1",
        method.lower(),
        f"/api{path}",
        args=query,
        headers=headers,
        data=body or None,
    )
    spec = openapi(mode)
    try:
        spec.validate_request(request)
    except Exception as exc:  # noqa: BLE001 - openapi-core raises a family of errors
        if "security" not in type(exc).__name__.lower():
            problems.append(f"request {method} {path}: {_explain(exc)}")
    if 200 <= status < 300:
        reply = MockResponse(response, status_code=status, content_type=content_type)
        try:
            spec.validate_response(request, reply)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"response {status} to {method} {path}: {_explain(exc)}")
    return problems


def _explain(exc: BaseException) -> str:
    parts = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__
    while cause is not None:
        for err in getattr(cause, "schema_errors", ()) or ():
            parts.append(f"{list(err.absolute_path)}: {err.message}")
        cause = cause.__cause__
    return " | ".join(p[:300] for p in parts)
