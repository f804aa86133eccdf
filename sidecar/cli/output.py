"""Small helpers for printing reports."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
    sys.stdout.write("\n")


def counted(n: int, word: str, plural: str = "") -> str:
    """ "1 folder", "2 folders" (`plural` when adding "s" is not it)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def shown_path(path: str) -> str:
    """A path on one line: control characters (newlines in names) are escaped."""
    if path.isprintable():
        return path
    return path.encode("unicode_escape").decode("ascii")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The `--json` option every reporting command has."""
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
