"""The commands: the module under sidecar.cli that registers and runs each, and the line
`--help` shows for it. The entry point imports only the module of the command given (each pulls
in its own services); `--help`, `--version` and an unknown command import none of them, the
summaries here are enough to list the commands."""

from __future__ import annotations

# Each command and its module, in the order --help lists them.
COMMANDS = {
    "scan": "scan",
    "forget": "forget",
    "status": "status",
    "check": "check",
    "sync": "sync",
    "drift": "drift",
    "analyze": "analyze",
    "report": "analyze",
    "decide": "decide",
    "demo": "demo",
    "eval": "evaluate",
    "plan": "writeback",
    "apply": "writeback",
    "undo": "writeback",
    "rejections": "writeback",
    "runs": "writeback",
    "serve": "serve",
    "health": "serve",
    "tui": "tui",
}

SUMMARIES = {
    "scan": "reconcile media folders with the inventory",
    "forget": "forget a folder that 'immich-sidecar scan PATH' added "
    "(a typo, a folder no longer wanted)",
    "status": "inventory counts and recent operations",
    "check": "check the Immich connection and each API key's permissions (writes nothing)",
    "sync": "mirror Immich assets into the inventory",
    "drift": "compare the Immich mirror with the files on disk",
    "analyze": "fingerprint new content, rebuild duplicates and pairs",
    "report": "duplicate groups and pairs of the latest analysis",
    "decide": "record a decision that every later analysis honours",
    "demo": "scan a folder of real sample photos (prepared on first use)",
    "eval": "measure duplicate and pair detection on a labelled corpus of real photos",
    "plan": "show what apply would write into Immich (writes nothing)",
    "apply": "write the current plan into Immich as a journaled, undoable run",
    "undo": "revert a write-back run",
    "rejections": "list what people undid (never made again), or lift such rejections",
    "runs": "list write-back runs",
    "serve": "run the daemon: scheduled sync, scan and plans, file and config watchers",
    "health": "exit 0 when the daemon is healthy (for Docker's HEALTHCHECK)",
    "tui": "review duplicates and pairs, see jobs and drift, plan, apply and undo",
}
