"""`immich-sidecar` / `python -m sidecar`: the command line entry point."""

from __future__ import annotations

import sys

from sidecar.cli.app import run


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
