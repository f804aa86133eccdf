"""Hygiene of the source tree that import-linter and ruff do not see.

engine/core stays pure: the standard library only, and no I/O or concurrency modules
(import-linter, run in CI, checks our own layers and third-party packages). Test modules never
import each other. No line hides from the formatter.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import REPO

CORE = REPO / "sidecar" / "engine" / "core"
ALLOWED = {
    "__future__",
    "collections",
    "dataclasses",
    "enum",
    "typing",
    "fnmatch",
    "re",
    "math",
    "itertools",
    "functools",
    "operator",
    "heapq",
    "bisect",
    "datetime",
    "difflib",
    "string",
    "statistics",
    "array",
    "base64",
    "binascii",
    "hashlib",
}


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


# Spelled in pieces so this file does not match itself.
OUTSIDE_REFERENCES = (
    "../" + "shared",
    "SIDECAR_" + "SHARED_DIR",
    "shared" + "/immich",
    '"shared" / ' + '"immich"',
    '/ "' + 'shared"',
)
CODE_SUFFIXES = {".py", ".sh", ".toml", ".yml", ".yaml", ".cfg", ".ini", ""}


def test_nothing_reads_files_from_outside_the_repository() -> None:
    """A fresh clone with nothing beside it runs the tests and the test Immich: the specs and
    recordings live in tests/fake_immich/specs, never in a `shared` folder next to the checkout."""
    offenders = []
    roots = [REPO / name for name in ("sidecar", "tests", "bench", ".ci", "scripts")]
    files = [p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file()]
    files += [REPO / "pyproject.toml", REPO / "Dockerfile", REPO / "docker-compose.example.yml"]
    for path in files:
        rel = path.relative_to(REPO)
        if path.suffix not in CODE_SUFFIXES or "specs" in rel.parts or "__pycache__" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{rel}: {needle}" for needle in OUTSIDE_REFERENCES if needle in text]
    assert offenders == []


def _python_files(*roots: str) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in (REPO / root).rglob("*.py")
        if "__pycache__" not in path.parts and "specs" not in path.parts
    )


def test_test_modules_never_import_each_other() -> None:
    """Shared helpers live in tests/helpers; conftest.py holds fixtures and is never imported."""
    offenders = []
    for path in _python_files("tests", "bench"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for module in modules:
                parts = module.split(".")
                if parts[0] == "tests" and any(
                    p == "conftest" or p.startswith("test_") for p in parts
                ):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {module}")
    assert offenders == []


FORMATTER_ESCAPE = re.compile(r"#\s*fmt:\s*(skip|off)\b")  # this line does not match itself


def test_the_formatter_owns_every_line() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _python_files("sidecar", "tests", "bench")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORMATTER_ESCAPE.search(line)
    ]
    assert offenders == []


NOT_IN_UNIT_TESTS = (
    "sidecar.runtime",
    "sidecar.engine.store",
    "sidecar.engine.services",
    "sidecar.immich_client",
    "sidecar.tui",
    "sidecar.scheduler",
    "sidecar.cli",
    "tests.fake_immich",
    "sqlite3",
    "aiosqlite",
    "subprocess",
    "httpx",
    "PIL",
)
FILE_FIXTURES = {"tmp_path", "tmp_path_factory", "sample_library", "photos", "state_dir"}
SERVICE_FIXTURES = {"settings", "cli", "immich", "immich_v2"}


def test_unit_tests_touch_no_files_processes_or_servers() -> None:
    """tests/unit is logic alone; anything with real files, SQLite, processes or the test Immich
    belongs in tests/integration (or tests/tui)."""
    offenders = []
    for path in _python_files("tests/unit"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            offenders += [
                f"{path.relative_to(REPO)}:{node.lineno}: {module}"
                for module in modules
                if any(
                    module == name or module.startswith(f"{name}.") for name in NOT_IN_UNIT_TESTS
                )
            ]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                used = {arg.arg for arg in node.args.args} & (FILE_FIXTURES | SERVICE_FIXTURES)
                offenders += [f"{path.relative_to(REPO)}: {node.name}({name})" for name in used]
    assert offenders == []


# Strings that are not words for people: SQL (its comments quote commands) and the pattern that
# reads Immich's own error texts.
NOT_FOR_PEOPLE = {"sidecar/engine/store/migrations", "sidecar/immich_client/parsing.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_words_for_people_have_no_markdown_backticks() -> None:
    """Errors, notices and CLI help are read in a terminal, where `x` is two stray marks: they
    quote with 'x' instead. Docstrings and comments may keep Markdown."""
    found = []
    for path in sorted((REPO / "sidecar").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        if any(name.startswith(skip) for skip in NOT_FOR_PEOPLE):
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        found += [
            f"{name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "`" in node.value
            and id(node) not in docs
        ]
    assert found == []
