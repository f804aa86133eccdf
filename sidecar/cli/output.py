"""Small helpers for printing reports."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any, TextIO


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
    sys.stdout.write("\n")


async def print_json_stream(
    sections: Mapping[str, AsyncIterator[Any]], out: TextIO | None = None
) -> None:
    """Write `{key: [items...], ...}` as `print_json` would, each item as soon as it is read
    (the text is the same, byte for byte; memory holds one item)."""
    out = out or sys.stdout
    out.write("{")
    for n, (key, items) in enumerate(sections.items()):
        out.write(f"{',' if n else ''}\n  {json.dumps(key, ensure_ascii=False)}: [")
        empty = True
        async for item in items:
            text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write(f"{'' if empty else ','}\n    {text}")
            empty = False
        out.write("]" if empty else "\n  ]")
    out.write("\n}\n" if sections else "}\n")


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
