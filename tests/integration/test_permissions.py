"""The permissions `check` asks for are exactly those of the endpoints the client calls, as
Immich's OpenAPI specs name them, and every endpoint in the table is used by the engine."""

from __future__ import annotations

import ast
import json

import pytest

from sidecar.immich_client.permissions import ENDPOINTS, READ_ONLY, WRITE_BACK, Use
from tests.fake_immich.spec import spec_file
from tests.fake_immich.state import Mode
from tests.helpers import REPO

CLIENT = REPO / "sidecar" / "immich_client"  # ImmichClient and the API areas it is made of
SENDERS = {"_json": 0, "_send": 0, "_decoded": 1, "_bulk_ids": 0, "request": 0}  # helper -> method


def _path(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    assert isinstance(node, ast.JoinedStr), ast.dump(node)
    return "".join(part.value if isinstance(part, ast.Constant) else "{id}" for part in node.values)


def _client_methods() -> dict[str, ast.AsyncFunctionDef | ast.FunctionDef]:
    """The methods of `ImmichClient`, its own and those of the classes it is made of."""
    classes: dict[str, list[ast.ClassDef]] = {}
    for source in sorted(CLIENT.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, []).append(node)
    methods: dict[str, ast.AsyncFunctionDef | ast.FunctionDef] = {}

    def collect(name: str) -> None:
        assert len(classes[name]) == 1, f"two classes called {name}"
        cls = classes[name][0]
        for base in reversed(cls.bases):  # later bases first: earlier ones win, as in the MRO
            if isinstance(base, ast.Name) and base.id in classes:
                collect(base.id)
        for n in cls.body:
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                methods[n.name] = n

    collect("ImmichClient")
    return methods


def _sent(
    methods: dict[str, ast.AsyncFunctionDef | ast.FunctionDef],
    name: str,
    seen: frozenset[str] = frozenset(),
) -> set[tuple[str, str]]:
    """The (method, path) requests a client method sends, following calls to its siblings."""
    out: set[tuple[str, str]] = set()
    for node in ast.walk(methods[name]):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr = node.func.attr
        if attr in SENDERS and len(node.args) > SENDERS[attr] + 1:
            verb = node.args[SENDERS[attr]]
            if isinstance(verb, ast.Constant) and isinstance(verb.value, str):
                out.add((verb.value, _path(node.args[SENDERS[attr] + 1])))
        elif attr in methods and attr != name and attr not in seen:
            out |= _sent(methods, attr, seen | {name})
    return out


def test_every_public_client_method_is_in_the_table_with_the_request_it_sends() -> None:
    methods = _client_methods()
    public = {n for n in methods if not n.startswith("_") and n != "connect"}
    public -= {"aclose"}
    assert public == set(ENDPOINTS), "add the method to ENDPOINTS (or remove it from both)"
    free = {(e.method, e.path) for e in ENDPOINTS.values() if e.permission is None}
    for name in public:
        endpoint = ENDPOINTS[name]
        sent = _sent(methods, name)
        if endpoint.permission is not None:  # e.g. the cached version probe before a search
            sent -= free
        assert sent == {(endpoint.method, endpoint.path)}, name


@pytest.mark.parametrize("mode", [Mode.V2_7, Mode.V3_2])
def test_the_table_names_the_permission_immich_checks(mode: Mode) -> None:
    paths = json.loads(spec_file(mode).read_text(encoding="utf-8"))["paths"]
    for name, endpoint in ENDPOINTS.items():
        operation = paths[endpoint.path][endpoint.method.lower()]
        assert operation.get("x-immich-permission") == endpoint.permission, name


def test_every_endpoint_in_the_table_is_called_by_the_engine() -> None:
    called: set[str] = set()
    for source in (REPO / "sidecar").rglob("*.py"):
        if source.parent.name == "immich_client":
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    unused = sorted(set(ENDPOINTS) - called - {"version", "my_key"})
    assert unused == [], "a client method nothing calls asks for a permission nothing needs"


def test_the_lists_check_asks_for() -> None:
    assert set(READ_ONLY) == {
        "asset.read",
        "asset.view",
        "stack.read",
        "album.read",
        "tag.read",
        "duplicate.read",
    }
    # undo needs the deletes; nothing calls stack.update or duplicate.delete
    assert set(WRITE_BACK) == {
        "stack.create",
        "stack.delete",
        "asset.update",
        "asset.delete",
        "album.create",
        "album.delete",
        "albumAsset.create",
        "albumAsset.delete",
        "tag.create",
        "tag.delete",
        "tag.asset",
    }
    assert all(e.use in Use for e in ENDPOINTS.values())
