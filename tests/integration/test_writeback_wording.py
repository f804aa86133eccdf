"""A write-back plan and run in words: grouped by kind, assets named by path, warnings first,
and the undo confirmation saying per kind only what undo does."""

from __future__ import annotations

from sidecar.engine.core.models import AssetLink, JournalAction, Rejection, Run
from sidecar.engine.core.writeback import Action, ActionKind, Plan
from sidecar.engine.services.writeback import WritePlan
from sidecar.engine.services.writeback.run_wording import (
    outcome_sections,
    rejected,
    undo_lines,
)
from sidecar.engine.services.writeback.wording import Names, as_lines, headline, plan_sections

IDS = [f"0000000{n}-0000-4000-8000-000000000000" for n in range(6)]
PATHS = ["/lib/a/IMG_1.jpg", "/lib/a/IMG_1.dng", "/lib/b/IMG_1.jpg", "/lib/c/x.jpg"]


def link(asset_id: str, path: str, library: str | None) -> AssetLink:
    return AssetLink(
        id=asset_id,
        owner_id="u",
        library_id=library,
        original_path=path,
        checksum="",
        state="active",
        is_offline=False,
        file_size=None,
        date_time_original=None,
        make=None,
        model=None,
    )


NAMES = Names(
    {
        i: link(i, p, "lib" if n == 2 else None)
        for n, (i, p) in enumerate(zip(IDS, PATHS, strict=False))
    }
)


def planned() -> WritePlan:
    a, b, c, d = IDS[:4]
    plan = Plan(
        actions=[
            Action(ActionKind.CREATE_STACK, "u", (a, b), "pair", "raw+jpeg"),
            Action(ActionKind.CREATE_ALBUM, "u", (), "review", album="Dups"),
            Action(ActionKind.ADD_TO_ALBUM, "u", (a, c), "review", album="Dups"),
            Action(ActionKind.TAG_ASSETS, "u", (d,), "tag", tag="sidecar/x", tag_id="t"),
            Action(ActionKind.TRASH, "u", (c, IDS[5]), "decided", "trash"),
        ],
        notes=[f"{d} not stacked: offline"],
        warnings=["1 asset to trash belongs to an external library"],
        satisfied=4,
    )
    return WritePlan(plan, keys=["default"] * 5)


def test_a_plan_by_kind_names_paths_and_puts_warnings_first() -> None:
    text = as_lines(plan_sections(planned(), NAMES))
    assert text == [
        "WARNING — Before you apply:",
        "  1 asset to trash belongs to an external library",
        "Stacks (1):",
        "  /lib/a/IMG_1.jpg — primary, with IMG_1.dng (raw+jpeg)",
        "Album 'Dups' (new) + 2 assets:",
        "  /lib/a/IMG_1.jpg",
        "  /lib/b/IMG_1.jpg",
        "Tag 'sidecar/x' + 1 asset:",
        "  /lib/c/x.jpg",
        "To Immich's trash (2; recoverable there, never deleted for good):",
        "  /lib/b/IMG_1.jpg (external library: emptying Immich's trash deletes the file)",
        f"  {IDS[5]}",  # not in the mirror: its id is all there is
        "Left out (1):",
        "  /lib/c/x.jpg not stacked: offline",
    ]
    assert headline(planned()) == (
        "Plan: 1 stack, 1 new album, 2 assets added to albums, 1 asset tagged, "
        "2 assets to Immich's trash (4 already in Immich; 1 left out)"
    )


def test_sections_are_capped_when_asked() -> None:
    (trash,) = [s for s in plan_sections(planned(), NAMES, limit=1) if "trash" in s.title]
    assert trash.lines[-1] == "… and 1 more"


def action(
    seq: int,
    kind: str,
    status: str,
    ids: list[str],
    payload: dict[str, object] | None = None,
    result: dict[str, object] | None = None,
    error: str | None = None,
) -> JournalAction:
    p = {"asset_ids": ids, **(payload or {})}
    return JournalAction(seq, 1, seq, kind, "u", "default", p, status, result or {}, error)


ACTIONS = [
    action(1, "create_stack", "done", ids=IDS[:2]),
    action(2, "create_stack", "failed", ids=IDS[2:4], error=f"{IDS[2]}: permission stack.create"),
    action(
        3, "add_to_album", "done", ids=IDS[:3], payload={"album": "Dups"}, result={"added": IDS[:2]}
    ),
    action(4, "trash", "done", ids=[IDS[2]], result={"trashed": [IDS[2]]}),
]


def test_a_runs_outcome_per_kind_and_each_failure_with_its_reason() -> None:
    text = as_lines(outcome_sections(ACTIONS, NAMES))
    assert text == [
        "WARNING — 1 stack made, 1 failed:",
        "  failed: stack of /lib/b/IMG_1.jpg with /lib/c/x.jpg — /lib/b/IMG_1.jpg: permission "
        "stack.create",
        "2 assets added to albums",
        "1 asset trashed",
    ]


def test_the_undo_confirmation_says_per_kind_what_undo_does() -> None:
    lines = undo_lines(Run(1, "", None, "failed", {}), ACTIONS)
    assert lines[0].startswith("1 stack removed (the assets stay, unstacked) — only a stack still")
    assert "a person changed since is left as it is" in lines[0]
    assert lines[1] == "2 assets taken out of album 'Dups' (only the entries this run added)"
    assert lines[2].startswith("1 asset restored from Immich's trash")
    assert "decisions to drop them taken back" in lines[2]
    assert "Left alone" in lines[4]
    undone = undo_lines(Run(1, "", None, "undone", {}), ACTIONS)
    assert undone == ["Run #1 was undone already: there is nothing left to undo."]


def test_a_rejection_names_its_assets_and_album() -> None:
    stack = Rejection("stack", ",".join(IDS[:2]), "u", "t", "undone")
    entry = Rejection("album_asset", f"alb:{IDS[3]}", "u", "t", "undone")
    assert rejected(stack, NAMES, {}) == "stack of /lib/a/IMG_1.jpg with IMG_1.dng"
    assert rejected(entry, NAMES, {"alb": "Dups"}) == "/lib/c/x.jpg in album 'Dups'"
