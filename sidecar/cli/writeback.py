"""`plan`, `apply`, `undo RUN` and `runs`: write-back to Immich."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import asdict
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json
from sidecar.engine.services.writeback import WritePlan
from sidecar.engine.services.writeback.run_wording import status_word
from sidecar.engine.services.writeback.wording import Section, as_lines, headline
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

WARNINGS = (
    "Nothing is ever deleted; trashing happens only with --trash-decided, never forced. "
    "Every run can be undone with 'immich-sidecar undo RUN'.",
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "plan",
        help=SUMMARIES["plan"],
        description="Sync, then read stacks and the review album from Immich and print what "
        "would be written to bring the analysis into Immich, by kind, each asset named by its "
        "path in Immich, warnings first (--json: every action with its asset ids and reason).",
    )
    p.add_argument(
        "--trash-decided",
        action="store_true",
        help="also plan trashing what 'immich-sidecar decide trash' recorded",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_plan)
    p = sub.add_parser(
        "apply",
        help=SUMMARIES["apply"],
        description="Plan afresh, then execute the actions as a numbered run. Every action "
        "is journaled before and after its call; 'immich-sidecar undo RUN' reverts the run.",
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--trash-decided",
        action="store_true",
        help="also move to Immich's trash what 'immich-sidecar decide trash' recorded "
        "(recoverable; never force-deleted)",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_apply)
    p = sub.add_parser(
        "undo",
        help=SUMMARIES["undo"],
        description="Remove the stacks and album entries a run made (where they still stand "
        "as it made them). What is undone is not made again by later runs unless "
        "--allow-remake is given; --allow-remake on a run undone before lifts those "
        "rejections (see also 'immich-sidecar rejections').",
    )
    p.add_argument(
        "run", type=int, metavar="RUN", help="the run number (see 'immich-sidecar runs')"
    )
    p.add_argument(
        "--allow-remake", action="store_true", help="let later runs make the same things again"
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_undo)
    p = sub.add_parser(
        "rejections",
        help=SUMMARIES["rejections"],
        description="Things a person removed in Immich, or undid with 'immich-sidecar undo', "
        "are never made again by later plans. List them, or lift them: those of one run "
        "(--lift-run) or those naming an asset (--lift-asset); the next plan may then make "
        "them again.",
    )
    lift = p.add_mutually_exclusive_group()
    lift.add_argument("--lift-run", type=int, metavar="RUN", help="lift the rejections of a run")
    lift.add_argument("--lift-asset", metavar="ASSET_ID", help="lift those naming an asset")
    add_json_flag(p)
    p.set_defaults(handler=handle_rejections)
    p = sub.add_parser("runs", help=SUMMARIES["runs"])
    add_json_flag(p)
    p.set_defaults(handler=handle_runs)


def show_plan(planned: WritePlan, sections: list[Section]) -> None:
    """The plan by kind, every asset by its path in Immich, warnings first."""
    print(headline(planned))
    keys = Counter(planned.keys)
    if len(keys) > 1:
        print("API keys acting: " + ", ".join(f"{k} ({n} action(s))" for k, n in keys.items()))
    for line in as_lines(sections):
        print(line)
    for line in WARNINGS:
        print(line)


async def handle_plan(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan(trash_decided=args.trash_decided)
        sections = [] if args.json else await rt.writeback.described(planned)
    if args.json:
        print_json(planned.as_json())
    else:
        show_plan(planned, sections)
    return 1 if planned.errors else 0


async def handle_apply(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan(trash_decided=args.trash_decided)
        if not args.json:
            show_plan(planned, await rt.writeback.described(planned))
        if planned.plan.actions and not args.yes:
            if not sys.stdin.isatty():
                print(
                    "immich-sidecar: not applied: add --yes to apply without a question",
                    file=sys.stderr,
                )
                return 2
            question = f"Apply these {len(planned.plan.actions)} action(s)? [y/N] "
            answer = await asyncio.to_thread(input, question)
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing applied.")
                return 0
        report = await rt.writeback.apply(planned)
        if not args.json:
            report.messages = await rt.writeback.in_words(report.messages)
            done = await rt.writeback.outcome(report.run_id) if report.run_id else []
    if args.json:
        plan = planned.as_json()
        print_json({**report.as_json(), "warnings": plan["warnings"], "errors": plan["errors"]})
    elif report.run_id is None and planned.errors:
        print("Nothing applied: the plan could not be made (see the errors above).")
    elif report.run_id is None:
        print("Nothing to apply: Immich already matches the analysis.")
    else:
        print(
            f"Run #{report.run_id}: {report.applied} applied, {report.failed} failed, "
            f"{report.skipped} skipped"
        )
        for line in as_lines(done):
            print(f"  {line}")
        for message in report.messages:
            print(f"  {message}")
        print(f"  undo with: immich-sidecar undo {report.run_id}")
    return 1 if report.failed or planned.errors else 0


async def handle_undo(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.writeback.undo(args.run, allow_remake=args.allow_remake)
        if not args.json:
            report.messages = await rt.writeback.in_words(report.messages)
    if args.json:
        print_json(report.as_json())
    else:
        if report.reverted or report.left or report.failed:
            print(
                f"Run #{report.run_id}: {report.reverted} action(s) reverted, "
                f"{report.left} left as they are in Immich, {report.failed} failed"
            )
        for message in report.messages:
            print(f"  {message}")
    return 1 if report.failed else 0


async def handle_rejections(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        if args.lift_run is not None or args.lift_asset:
            try:
                lifted = await rt.writeback.lift(run_id=args.lift_run, asset_id=args.lift_asset)
            except WritebackRefusedError as exc:  # a run number the journal does not know
                print(f"immich-sidecar: {exc}", file=sys.stderr)
                return 2
            if args.json:
                print_json({"lifted": lifted})
            else:
                print(f"{lifted} rejection(s) lifted: the next plan may make those things again")
            return 0
        if args.json:
            print_json({"rejections": [asdict(r) for r in await rt.writeback.rejections()]})
            return 0
        rejections = await rt.writeback.rejections_described()
    if not rejections:
        print("No rejections: nothing a person undid is being held back.")
    else:
        print("Held back (a person undid these; later plans do not make them again):")
    for r, what in rejections:
        print(f"  {r.noted_at[:19]}  {what} ({r.reason})")
    return 0


async def handle_runs(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        runs = await rt.writeback.runs()
    if args.json:
        print_json({"runs": runs})
        return 0
    if not runs:
        print("No write-back runs yet.")
    for r in runs:
        counts = ", ".join(f"{v} {status_word(k)}" for k, v in sorted(r["by_status"].items()))
        status = status_word(r["status"])
        print(f"#{r['run_id']} {status:<11} {r['started_at']}  {r['actions']} action(s) ({counts})")
    return 0
