"""`immich-sidecar` / `python -m sidecar`: the command line entry point."""

from __future__ import annotations

import sys
import threading


def _early_graphics_probe(argv: list[str]) -> threading.Thread | None:
    """For `tui` on a terminal, ask the terminal about sixel/kitty graphics while the rest of
    the program is imported (the questions can wait up to 0.2 s for an answer that a plain
    terminal never sends); `tui` waits for the answer before the screen starts."""
    if "tui" not in argv or not sys.stdout.isatty() or not sys.stdin.isatty():
        return None
    from sidecar.tui.probe import probe_graphics

    thread = threading.Thread(target=probe_graphics, name="graphics-probe", daemon=True)
    thread.start()
    return thread


def main() -> None:
    argv = sys.argv[1:]
    from sidecar.container import main_prepare

    main_prepare()  # in the container image: own /data, read secrets, drop root
    _early_graphics_probe(argv)
    from sidecar.cli.app import run

    sys.exit(run(argv))


if __name__ == "__main__":
    main()
