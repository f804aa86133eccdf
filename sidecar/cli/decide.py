"""`immich-sidecar decide not-duplicates|keep-together|trash|keep MEMBER ...`."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sidecar.engine.core.models import GroupDecision, TrashDecision
from sidecar.runtime import open_runtime
from sidecar.settings import Settings, SettingsError

# the spellings people type -> what is recorded
KINDS = {
    "not-duplicates": GroupDecision.NOT_DUPLICATES,
    "keep-together": GroupDecision.KEEP_TOGETHER,
}
TRASH_KINDS = {str(kind): kind for kind in TrashDecision}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "decide",
        help="record a decision that every later analysis honours",
        description="not-duplicates: these members are never grouped with each other again. "
        "keep-together: a group made of (a subset of) these members is settled and not "
        "reported again. Members are asset ids, or file paths in local mode (as `report` "
        "shows them). trash: these Immich assets may go to Immich's trash, the next time "
        "`apply --trash-decided` runs (recoverable; never deleted); keep: take that back.",
    )
    p.add_argument("kind", choices=sorted([*KINDS, *TRASH_KINDS]), help="what was decided")
    p.add_argument(
        "members",
        nargs="+",
        metavar="MEMBER",
        help="asset id or path (two or more; asset ids for trash/keep)",
    )
    p.add_argument("--note", help="why, for the record")
    p.set_defaults(handler=handle)


def _member(text: str) -> str:
    """Paths are stored absolute and normalised; asset ids are kept as given."""
    return os.path.normpath(os.path.abspath(text)) if "/" in text else text


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.kind in TRASH_KINDS:
        kind = TRASH_KINDS[args.kind]
        if any("/" in m for m in args.members):
            raise SettingsError("trash and keep take Immich asset ids (as `report` shows them)")
        async with open_runtime(settings) as rt:
            if kind is TrashDecision.KEEP:
                await rt.writeback.keep(args.members)
                print(f"Recorded: keep {len(args.members)} asset(s); they will not be trashed.")
                return 0
            done = await rt.writeback.decide_trash(args.members, args.note)
        print(
            f"Recorded: trash {len(done)} asset(s). `plan --trash-decided` shows it; "
            "`apply --trash-decided` moves them to Immich's trash (recoverable)."
        )
        return 0
    members = [_member(m) for m in args.members]
    if len(set(members)) < 2:
        raise SettingsError("a decision needs two or more different members")
    async with open_runtime(settings) as rt:
        await rt.analysis.decide(KINDS[args.kind], members, args.note)
    print(f"Recorded: {args.kind} for {len(set(members))} members; run `analyze` to apply it.")
    return 0
