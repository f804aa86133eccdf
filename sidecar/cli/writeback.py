"""`plan`, `apply`, `undo RUN` and `runs`: write-back to Immich."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import asdict
from typing import Any

from sidecar.cli.output import add_json_flag, print_json
from sidecar.engine.core.writeback import Action, ActionKind
from sidecar.engine.services.writeback import WritePlan
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

WARNINGS = (
    "Nothing is ever deleted; trashing happens only with --trash-decided, never forced. "
    "Every run can be undone with `immich-sidecar undo RUN`.",
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "plan",
        help="show what apply would write into Immich (writes nothing)",
        description="Sync, then read stacks and the review album from Immich and print the "
        "ordered actions that would bring the analysis into Immich, each with its reason.",
    )
    p.add_argument(
        "--trash-decided",
        action="store_true",
        help="also plan trashing what `decide trash` recorded",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_plan)
    p = sub.add_parser(
        "apply",
        help="write the current plan into Immich as a journaled, undoable run",
        description="Plan afresh, then execute the actions as a numbered run. Every action "
        "is journaled before and after its call; `undo RUN` reverts the run.",
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--trash-decided",
        action="store_true",
        help="also move to Immich's trash what `decide trash` recorded "
        "(recoverable; never force-deleted)",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_apply)
    p = sub.add_parser(
        "undo",
        help="revert a write-back run",
        description="Remove the stacks and album entries a run made (where they still stand "
        "as it made them). What is undone is not made again by later runs unless "
        "--allow-remake is given; --allow-remake on a run undone before lifts those "
        "rejections (see also `rejections`).",
    )
    p.add_argument("run", type=int, metavar="RUN", help="the run number (see `runs`)")
    p.add_argument(
        "--allow-remake", action="store_true", help="let later runs make the same things again"
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_undo)
    p = sub.add_parser(
        "rejections",
        help="list what people undid (never made again), or lift such rejections",
        description="Things a person removed in Immich, or undid with `undo`, are never made "
        "again by later plans. List them, or lift them: those of one run (--lift-run) or those "
        "naming an asset (--lift-asset); the next plan may then make them again.",
    )
    lift = p.add_mutually_exclusive_group()
    lift.add_argument("--lift-run", type=int, metavar="RUN", help="lift the rejections of a run")
    lift.add_argument("--lift-asset", metavar="ASSET_ID", help="lift those naming an asset")
    add_json_flag(p)
    p.set_defaults(handler=handle_rejections)
    p = sub.add_parser("runs", help="list write-back runs")
    add_json_flag(p)
    p.set_defaults(handler=handle_runs)


def show_plan(planned: WritePlan) -> None:
    actions = planned.plan.actions
    summary = planned.plan.summary()
    print(
        f"Plan: {len(actions)} action(s) — "
        + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.items())
    )
    for warning in planned.plan.warnings:
        print(f"  WARNING: {warning}")
    for n, (a, key) in enumerate(zip(actions, planned.keys, strict=True), 1):
        print(f"  {n:>4}. [{key}] {_describe(a)}")
        print(f"        why: {a.reason}")
    for note in planned.plan.notes:
        print(f"  left out: {note}")
    for error in planned.errors:
        print(f"  error: {error}")
    for line in WARNINGS:
        print(line)


def _describe(a: Action) -> str:
    if a.kind is ActionKind.TRASH:
        return f"move {len(a.asset_ids)} asset(s) to Immich's trash"
    if a.kind is ActionKind.PUBLISH_DUPLICATES:
        return f"publish a {a.category} group of {len(a.asset_ids)} to Immich's review page"
    if a.kind is ActionKind.CREATE_TAG:
        return f"create tag {a.tag}"
    if a.kind is ActionKind.TAG_ASSETS:
        return f"tag {len(a.asset_ids)} asset(s) {a.tag}"
    if a.kind is ActionKind.CREATE_STACK:
        return f"stack {len(a.asset_ids)} assets, primary {a.asset_ids[0]}"
    if a.kind is ActionKind.CREATE_ALBUM:
        return f"create album '{a.album}'"
    return f"add {len(a.asset_ids)} asset(s) to '{a.album}'"


async def handle_plan(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan(trash_decided=args.trash_decided)
    if args.json:
        print_json(planned.as_json())
    else:
        show_plan(planned)
    return 1 if planned.errors else 0


async def handle_apply(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        planned = await rt.writeback.plan(trash_decided=args.trash_decided)
        if not args.json:
            show_plan(planned)
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
        print(f"  undo with: immich-sidecar undo {report.run_id}")
        for message in report.messages:
            print(f"  {message}")
    return 1 if report.failed or planned.errors else 0


async def handle_undo(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        report = await rt.writeback.undo(args.run, allow_remake=args.allow_remake)
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
        rejections = await rt.writeback.rejections()
    if args.json:
        print_json({"rejections": [asdict(r) for r in rejections]})
        return 0
    if not rejections:
        print("No rejections: nothing a person undid is being held back.")
    for r in rejections:
        print(f"{r.noted_at}  {r.kind:<14} {r.key}  ({r.reason})")
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
        counts = ", ".join(f"{v} {k}" for k, v in sorted(r["by_status"].items()))
        print(
            f"#{r['run_id']} {r['status']:<11} {r['started_at']}  {r['actions']} action(s)"
            f" ({counts})"
        )
    return 0
