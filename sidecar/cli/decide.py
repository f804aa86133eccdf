"""`immich-sidecar decide not-duplicates|keep-together|trash|keep MEMBER ...`, and
`decide keepers [--tier exact|near] [--under PATH] [--json]` (no members)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.engine.core.models import GroupDecision, TrashDecision
from sidecar.runtime import open_runtime
from sidecar.settings import Settings, SettingsError

# the spellings people type -> what is recorded
KINDS = {
    "not-duplicates": GroupDecision.NOT_DUPLICATES,
    "keep-together": GroupDecision.KEEP_TOGETHER,
}
TRASH_KINDS = {str(kind): kind for kind in TrashDecision}
KEEPERS = "keepers"  # accept the suggested keepers of every undecided group (no members)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "decide",
        help=SUMMARIES["decide"],
        description="not-duplicates: these members are never grouped with each other again. "
        "keep-together: a group made of (a subset of) these members is settled and not "
        "reported again. Members are asset ids, or file paths in local mode (as "
        "'immich-sidecar report' shows them). trash: these Immich assets may go to Immich's "
        "trash, the next time 'immich-sidecar apply --trash-decided' runs (recoverable; never "
        "deleted); keep: take that back ('keep --batch N': a whole keepers batch). keepers "
        "(no members): accept the suggested keeper of every undecided group, the other "
        "copies go to the trash queue.",
    )
    p.add_argument("kind", choices=sorted([*KINDS, *TRASH_KINDS, KEEPERS]), help="what was decided")
    p.add_argument(
        "members",
        nargs="*",
        metavar="MEMBER",
        help="asset id or path (two or more; asset ids for trash/keep)",
    )
    p.add_argument("--note", help="why, for the record")
    p.add_argument("--tier", choices=["exact", "near"], help="keepers: only this tier")
    p.add_argument("--under", metavar="PATH", help="keepers: only groups with a member here")
    p.add_argument("--json", action="store_true", help="keepers: print the result as JSON")
    p.add_argument("--batch", type=int, metavar="N", help="keep: take back keepers batch N")
    p.set_defaults(handler=handle)


def _member(text: str) -> str:
    """Paths are stored absolute and normalised; asset ids are kept as given."""
    return os.path.normpath(os.path.abspath(text)) if "/" in text else text


def _absolute(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _local_under(path: str, settings: Settings) -> str:
    """`--under` as this process sees it: a path under a library's local folder as given, a
    path as Immich names it (as `plan` shows it) mapped through the libraries."""
    local = _absolute(path)
    if any(Path(local).is_relative_to(lib.local_path) for lib in settings.libraries):
        return local
    mapped = settings.map_immich_path(path.rstrip("/") or "/")
    return _absolute(str(mapped)) if mapped is not None else local


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.kind == KEEPERS or args.batch is not None:
        return await _keepers(args, settings)
    if not args.members:
        raise SettingsError(f"decide {args.kind} needs members (asset ids or paths)")
    if args.kind in TRASH_KINDS:
        kind = TRASH_KINDS[args.kind]
        if any("/" in m for m in args.members):
            raise SettingsError(
                "trash and keep take Immich asset ids (as 'immich-sidecar report' shows them)"
            )
        async with open_runtime(settings) as rt:
            if kind is TrashDecision.KEEP:
                await rt.writeback.keep(args.members)
                print(f"Recorded: keep {len(args.members)} asset(s); they will not be trashed.")
                return 0
            done = await rt.writeback.decide_trash(args.members, args.note)
        print(
            f"Recorded: trash {len(done)} asset(s). 'immich-sidecar plan --trash-decided' "
            "shows it; 'immich-sidecar apply --trash-decided' moves them to Immich's trash "
            "(recoverable)."
        )
        return 0
    members = [_member(m) for m in args.members]
    if len(set(members)) < 2:
        raise SettingsError("a decision needs two or more different members")
    async with open_runtime(settings) as rt:
        await rt.analysis.decide(KINDS[args.kind], members, args.note)
    print(
        f"Recorded: {args.kind} for {len(set(members))} members; "
        "run 'immich-sidecar analyze' to apply it."
    )
    return 0


async def _keepers(args: argparse.Namespace, settings: Settings) -> int:
    if args.members:
        raise SettingsError(
            "--batch takes no asset ids"
            if args.batch is not None
            else "decide keepers takes no members (use --tier and --under)"
        )
    if args.batch is not None:
        if args.kind != str(TrashDecision.KEEP):
            raise SettingsError(
                "--batch goes with 'immich-sidecar decide keep' (take a keepers batch back)"
            )
        async with open_runtime(settings) as rt:
            try:
                ids = await rt.keepers.undo_keepers(args.batch)
            except ValueError as e:
                raise SettingsError(f"{e} (see 'immich-sidecar plan --trash-decided')") from e
        print(f"Recorded: keep {len(ids)} asset(s) of keepers batch {args.batch}.")
        return 0
    under = _local_under(args.under, settings) if args.under else None
    async with open_runtime(settings) as rt:
        result = await rt.keepers.accept_keepers(args.tier, under)
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    if under is not None and not result.groups and not result.skipped:
        roots = ", ".join(
            f"{lib.local_path} (Immich: {lib.immich_path})"
            if lib.immich_path
            else str(lib.local_path)
            for lib in settings.libraries
        )
        print(f"No group has a member under {args.under}; library roots: {roots or 'none'}")
        return 0
    print(f"Groups accepted: {result.groups}")
    print(f"Queued for Immich's trash: {len(result.queued)} asset(s), {result.bytes} bytes")
    reasons: dict[str, int] = {}
    for _, reason in result.skipped:
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items()):
        print(f"Skipped: {n} group(s): {reason}")
    if result.batch is not None:
        print(
            f"Keepers batch {result.batch}: 'immich-sidecar plan --trash-decided' shows it; "
            f"'immich-sidecar decide keep --batch {result.batch}' takes it back."
        )
    return 0
