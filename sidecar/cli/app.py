"""Argument parsing, logging set-up, and the mapping of failures to exit codes.

Exit codes: 0 ok, 2 bad usage or configuration, 1 any other failure; each failure is one line
on stderr (a config with several problems gets one line per problem).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sidecar import __version__
from sidecar.cli.commands import COMMANDS, SUMMARIES
from sidecar.cli.errors import SamplesUnavailableError
from sidecar.cli.logfile import FORMAT
from sidecar.engine.core.errors import StoreError
from sidecar.engine.core.stopping import AGAIN
from sidecar.engine.support.errors import (
    NothingToScanError,
    ScanBusyError,
    SyncBusyError,
    WritebackBusyError,
    WritebackRefusedError,
)
from sidecar.immich_client import ImmichError
from sidecar.settings import SettingsError, load_settings

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 128 + 13  # as a process killed by SIGPIPE: the reader went away (`cmd | head`)
log = logging.getLogger("sidecar")


def build_parser(command: str | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The parser of `command` alone when it is one; else one that only lists the commands
    (enough for --help, --version and the usage errors), or, with `every`, the parser of
    every command."""
    parser = argparse.ArgumentParser(
        prog="immich-sidecar",
        description="Keeps an Immich library tidy: inventory, reconciliation, duplicates.",
    )
    parser.add_argument("--version", action="version", version=f"immich-sidecar {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="TOML config file (default: $IMMICH_SIDECAR_CONFIG, else built-in defaults)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if command in COMMANDS:  # its module registers it (and pulls in its services)
        importlib.import_module(f"sidecar.cli.{COMMANDS[command]}").register(sub)
    elif every:
        for name in dict.fromkeys(COMMANDS.values()):  # in the order --help lists them
            importlib.import_module(f"sidecar.cli.{name}").register(sub)
    else:  # --help, --version, no command or an unknown one: the commands' names and lines
        for name, summary in SUMMARIES.items():
            sub.add_parser(name, help=summary)
    return parser


def command_of(argv: Sequence[str]) -> str | None:
    """The command named in `argv`: the first word that is neither an option nor the value of
    --config."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format=FORMAT)


def fail(message: str, code: int) -> int:
    for line in message.splitlines() or [""]:
        print(f"immich-sidecar: {line}", file=sys.stderr)
    return code


def run(argv: Sequence[str]) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader of our output closed it: not an error of ours. Point stdout at
        # /dev/null so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE


def _run(argv: Sequence[str]) -> int:
    parser = build_parser(command_of(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    configure_logging(args.verbose)
    try:
        settings = load_settings(args.config)
        return int(asyncio.run(args.handler(args, settings)))
    except (SettingsError, NothingToScanError) as exc:
        return fail(str(exc), EXIT_USAGE)
    except (
        StoreError,
        ScanBusyError,
        SyncBusyError,
        WritebackBusyError,
        WritebackRefusedError,
        SamplesUnavailableError,
    ) as exc:
        return fail(str(exc), EXIT_FAILURE)
    except ImmichError as exc:
        return fail(str(exc), EXIT_FAILURE)
    except BrokenPipeError:
        raise
    except KeyboardInterrupt:
        return fail(f"stopped; {AGAIN}", 130)  # what was committed is kept
    except Exception as exc:
        log.debug("unexpected failure", exc_info=True)
        return fail(
            f"unexpected error: {type(exc).__name__}: {exc} (run with -vv for details)",
            EXIT_FAILURE,
        )
