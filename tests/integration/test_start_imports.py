"""A command imports what it uses: the image libraries (numpy, Pillow, libheif, libraw,
scipy) only where pixels are decoded or hashes searched, the terminal UI only for `tui`; and
`--help`, `--version` or a mistyped command import no command's module at all (their start is
most of what a quick command costs)."""

from __future__ import annotations

import json
import subprocess
import sys

from sidecar.cli.app import build_parser
from tests.helpers import REPO

IMAGING = ("numpy", "PIL", "pillow_heif", "rawpy", "scipy", "imagehash")
# every command module that decodes no pixels (demo and eval make pictures; tui draws them)
PLAIN = ("scan", "forget", "status", "check", "sync", "drift", "analyze", "decide", "writeback")


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_commands_that_decode_nothing_import_no_image_library() -> None:
    code = "\n".join(f"import sidecar.cli.{m}" for m in ("app", *PLAIN))
    loaded = packages(imported_after(code))
    assert loaded.isdisjoint(IMAGING), sorted(loaded & set(IMAGING))
    assert "textual" not in loaded


def test_version_and_help_import_no_command() -> None:
    code = (
        "import contextlib, io\n"
        "from sidecar.cli.app import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert run(['--version']) == 0 and run(['--help']) == 0\n"
    )
    loaded = imported_after(code)
    commands = {f"sidecar.cli.{m}" for m in (*PLAIN, "demo", "evaluate", "serve", "tui")}
    assert loaded.isdisjoint(commands), sorted(loaded & commands)
    assert "sidecar.runtime" not in loaded
    assert packages(loaded).isdisjoint(IMAGING)


def test_the_short_help_lists_what_the_commands_register() -> None:
    """The list --help shows without importing the commands is the one their own modules
    register (names, order and lines)."""
    assert build_parser().format_help() == build_parser(every=True).format_help()
