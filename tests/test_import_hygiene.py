"""engine/core stays pure: the standard library only, and no I/O or concurrency modules.

import-linter (run in CI) checks our own layers and third-party packages; this test covers the
standard library modules import-linter does not see.
"""

from __future__ import annotations

import ast

from tests.conftest import REPO

CORE = REPO / "sidecar" / "engine" / "core"
ALLOWED = {
    "__future__", "collections", "dataclasses", "enum", "typing", "fnmatch", "re", "math",
    "itertools", "functools", "operator", "heapq", "bisect", "datetime", "difflib", "string",
    "statistics", "array", "base64", "binascii", "hashlib",
}  # fmt: skip


def test_engine_core_imports_only_pure_stdlib() -> None:
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED and not name.startswith("sidecar.engine.core"):
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                offenders.append(f"{path.relative_to(REPO)}: open()")
    assert offenders == []
