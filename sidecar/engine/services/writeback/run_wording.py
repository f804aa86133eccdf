"""A write-back run in words, for a person: what it did per kind and what failed (per item,
with the reason), and what undoing it will do per kind — only what undo truly does (each
kind's handler reverts only what still stands as the run made it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sidecar.engine.core.models import (
    ActionStatus,
    JournalAction,
    MadeKind,
    Rejection,
    Run,
    RunStatus,
)
from sidecar.engine.core.writeback import ActionKind
from sidecar.engine.services.writeback.wording import Names, Section, counted

STATUS_WORDS: dict[str, str] = {  # an action's status, as a person reads it
    ActionStatus.PLANNED: "not started",
    ActionStatus.INTENT: "interrupted",
    ActionStatus.DONE: "done",
    ActionStatus.FAILED: "failed",
    ActionStatus.SKIPPED: "skipped",
    ActionStatus.REVERTED: "undone",
    ActionStatus.REVERT_FAILED: "undo failed",
    ActionStatus.LEFT: "left (changed in Immich since)",
}


KIND_PLURAL: dict[str, str] = {
    ActionKind.CREATE_STACK: "stacks",
    ActionKind.CREATE_ALBUM: "new albums",
    ActionKind.ADD_TO_ALBUM: "album entries",
    ActionKind.PUBLISH_DUPLICATES: "duplicate groups",
    ActionKind.CREATE_TAG: "new tags",
    ActionKind.TAG_ASSETS: "tag entries",
    ActionKind.TRASH: "to Immich's trash",
    ActionKind.REPAIR_MOVE: "repairs of moved files",
}


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " "))


def _assets(action: JournalAction, field: str = "added") -> list[str]:
    """The assets an action touched: what Immich confirmed (`field` of its result) when it
    says, else what it asked for."""
    done = action.result.get(field)
    return list(done) if isinstance(done, list) else list(action.payload.get("asset_ids") or [])


def _container(action: JournalAction) -> str:
    return str(action.payload.get("album") or action.payload.get("tag") or "")


def what(action: JournalAction, names: Names) -> str:
    """One action, named: what it makes or moves."""
    p: dict[str, Any] = action.payload
    ids: list[str] = list(p.get("asset_ids") or [])
    kind, first = action.kind, ids[0] if ids else ""
    if kind == ActionKind.CREATE_STACK:
        return f"stack of {names.path(first)} with {names.beside(first, ids[1:])}"
    if kind == ActionKind.PUBLISH_DUPLICATES:
        return f"duplicate group of {len(ids)}: {names.path(first)}, {names.beside(first, ids[1:])}"
    if kind == ActionKind.CREATE_ALBUM:
        return f"new album '{p.get('album')}'"
    if kind == ActionKind.ADD_TO_ALBUM:
        return f"{counted(len(ids), 'asset')} into album '{p.get('album')}'"
    if kind == ActionKind.CREATE_TAG:
        return f"new tag '{p.get('tag')}'"
    if kind == ActionKind.TAG_ASSETS:
        return f"tag '{p.get('tag')}' on {counted(len(ids), 'asset')}"
    if kind == ActionKind.TRASH:
        shown = ", ".join(names.path(i) for i in ids[:3]) + (" …" if len(ids) > 3 else "")
        return f"{counted(len(ids), 'asset')} to Immich's trash ({shown})"
    if kind == ActionKind.REPAIR_MOVE and len(ids) > 1:
        return f"repair of {names.path(ids[1])} (moved from {names.path(first)})"
    return kind.replace("_", " ")


def _done(kind: str, done: Sequence[JournalAction]) -> str:
    """What the done actions of one kind did."""
    n = len(done)
    if kind == ActionKind.CREATE_STACK:
        return counted(n, "stack") + " made"
    if kind == ActionKind.PUBLISH_DUPLICATES:
        return counted(n, "duplicate group") + " published to Immich's review page"
    if kind in (ActionKind.CREATE_ALBUM, ActionKind.CREATE_TAG):
        word = "album" if kind == ActionKind.CREATE_ALBUM else "tag"
        return f"{word} " + ", ".join(f"'{_container(a)}'" for a in done) + " created"
    if kind == ActionKind.ADD_TO_ALBUM:
        return counted(sum(len(_assets(a)) for a in done), "asset") + " added to albums"
    if kind == ActionKind.TAG_ASSETS:
        return counted(sum(len(_assets(a)) for a in done), "asset") + " tagged"
    if kind == ActionKind.TRASH:
        return counted(sum(len(_assets(a, "trashed")) for a in done), "asset") + " trashed"
    if kind == ActionKind.REPAIR_MOVE:
        return counted(n, "moved file") + " given back what it had"
    return f"{n} done"


def outcome_sections(actions: Sequence[JournalAction], names: Names) -> list[Section]:
    """A run's result per kind (in the order the run made them), each item that did not get
    done named with its reason, in words."""
    by_kind: dict[str, list[JournalAction]] = {}
    for a in actions:
        by_kind.setdefault(a.kind, []).append(a)
    out = []
    for kind, of_kind in by_kind.items():
        done = [a for a in of_kind if a.status == ActionStatus.DONE]
        parts = [_done(kind, done)] if done else []
        others: dict[str, int] = {}
        for a in of_kind:
            if a not in done:
                others[a.status] = others.get(a.status, 0) + 1
        rest = [f"{n} {status_word(s)}" for s, n in others.items()]
        if not done:  # named by kind, as nothing of it was done
            rest[0] = f"{KIND_PLURAL.get(kind, kind.replace('_', ' '))}: {rest[0]}"
        parts += rest
        lines = [
            f"{status_word(a.status)}: {what(a, names)} — {names.text(a.error or 'no reason')}"
            for a in of_kind
            if a not in done and a.status != ActionStatus.LEFT
        ]
        out.append(Section(", ".join(parts), lines, warning=bool(lines)))
    return out


def nothing_to_undo(run: Run, actions: Sequence[JournalAction]) -> str:
    """Why undoing the run would change nothing in Immich ("" when it would change something)."""
    if run.status == RunStatus.UNDONE:
        return f"Run #{run.id} was undone already: there is nothing left to undo."
    if not any(a.status == ActionStatus.DONE for a in actions):
        return f"Run #{run.id} made nothing in Immich: there is nothing to undo."
    return ""


def undo_lines(run: Run, actions: Sequence[JournalAction]) -> list[str]:
    """What undoing the run will do, per kind (only its done actions are reverted), then what
    it leaves alone."""
    if nothing := nothing_to_undo(run, actions):
        return [nothing]
    done: dict[str, list[JournalAction]] = {}
    for a in actions:
        if a.status == ActionStatus.DONE:
            done.setdefault(a.kind, []).append(a)
    out = []
    for kind, of_kind in done.items():
        out += _undo_kind(kind, of_kind)
    out += [
        "",
        "Left alone: anything a person added or changed in Immich since; what cannot be "
        "undone any more is said after the undo.",
        "What is undone is not made again by later plans (the command immich-sidecar "
        "rejections lists it, and can lift it).",
    ]
    return out


def _undo_kind(kind: str, done: Sequence[JournalAction]) -> list[str]:
    n = len(done)
    if kind == ActionKind.CREATE_STACK:
        return [
            f"{counted(n, 'stack')} removed (the assets stay, unstacked) — only a stack still "
            "exactly as this run made it: one whose members or primary a person changed "
            "since is left as it is"
        ]
    if kind == ActionKind.PUBLISH_DUPLICATES:
        return [
            f"{counted(n, 'duplicate group')} taken off Immich's review page (only assets "
            "still in the group this run made)"
        ]
    if kind == ActionKind.CREATE_ALBUM:
        return [f"album '{_container(a)}' deleted, unless it holds assets now" for a in done]
    if kind == ActionKind.CREATE_TAG:
        return [f"tag '{_container(a)}' deleted, unless something uses it now" for a in done]
    per: dict[str, int] = {}
    for a in done:
        per[_container(a)] = per.get(_container(a), 0) + len(_assets(a))
    if kind == ActionKind.ADD_TO_ALBUM:
        return [
            f"{counted(m, 'asset')} taken out of album '{name}' (only the entries this run added)"
            for name, m in per.items()
        ]
    if kind == ActionKind.TAG_ASSETS:
        return [f"tag '{name}' removed from {counted(m, 'asset')}" for name, m in per.items()]
    if kind == ActionKind.TRASH:
        m = sum(len(_assets(a, "trashed")) for a in done)
        return [
            f"{counted(m, 'asset')} restored from Immich's trash (those still in it: what was "
            "emptied from the trash since cannot come back), and the decisions to drop them "
            "taken back"
        ]
    if kind == ActionKind.REPAIR_MOVE:
        return [
            f"what was carried to {counted(n, 'moved file')} taken back (albums, tags, "
            "favourite, description: where still as carried)"
        ]
    return [f"{n} {kind.replace('_', ' ')} action(s) reverted"]


def undone_lines(actions: Sequence[JournalAction]) -> list[str]:
    """What an undo reverted, per kind (the run's reverted actions), as `undo_lines` foretold."""
    reverted: dict[str, list[JournalAction]] = {}
    for a in actions:
        if a.status == ActionStatus.REVERTED:
            reverted.setdefault(a.kind, []).append(a)
    return [line for kind, of_kind in reverted.items() for line in _undone(kind, of_kind)]


def _undone(kind: str, done: Sequence[JournalAction]) -> list[str]:
    n = len(done)
    if kind == ActionKind.CREATE_STACK:
        return [f"{counted(n, 'stack')} removed"]
    if kind == ActionKind.PUBLISH_DUPLICATES:
        return [f"{counted(n, 'duplicate group')} taken off Immich's review page"]
    if kind in (ActionKind.CREATE_ALBUM, ActionKind.CREATE_TAG):
        word = "album" if kind == ActionKind.CREATE_ALBUM else "tag"
        return [f"{word} '{_container(a)}' deleted" for a in done]
    per: dict[str, int] = {}
    for a in done:
        per[_container(a)] = per.get(_container(a), 0) + len(_assets(a))
    if kind == ActionKind.ADD_TO_ALBUM:
        return [f"{counted(m, 'asset')} taken out of album '{name}'" for name, m in per.items()]
    if kind == ActionKind.TAG_ASSETS:
        return [f"tag '{name}' removed from {counted(m, 'asset')}" for name, m in per.items()]
    if kind == ActionKind.TRASH:
        m = sum(len(_assets(a, "trashed")) for a in done)
        return [f"{counted(m, 'asset')} restored from Immich's trash"]
    if kind == ActionKind.REPAIR_MOVE:
        return [f"what was carried to {counted(n, 'moved file')} taken back"]
    return [f"{n} {kind.replace('_', ' ')} action(s) reverted"]


GROUP_ACTIONS = (ActionKind.CREATE_STACK, ActionKind.PUBLISH_DUPLICATES)
"""Actions whose assets (the primary first) name what they made when it is rejected."""
NAMED_BY_ACTIONS = (
    MadeKind.STACK,
    MadeKind.DUPLICATE_GROUP,
    MadeKind.ALBUM_ASSET,
    MadeKind.TAG_ASSET,
)
"""Rejections named with the help of the runs' actions."""


def rejected(
    r: Rejection,
    names: Names,
    containers: Mapping[str, str],
    as_made: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """What a person undid, named: `containers` gives album and tag names by Immich id;
    `as_made` a stack's (or duplicate group's) assets as the run made it, the primary first
    (the key holds them sorted by id, which says nothing of the primary)."""
    key = r.key
    if r.kind in (MadeKind.STACK, MadeKind.DUPLICATE_GROUP):
        ids = list((as_made or {}).get(key) or key.split(","))
        what = "stack" if r.kind == MadeKind.STACK else "duplicate group"
        return f"{what} of {names.path(ids[0])} with {names.beside(ids[0], ids[1:])}"
    if r.kind in (MadeKind.ALBUM, MadeKind.TAG):
        return f"{r.kind} '{key.split(':', 1)[-1]}'"
    if r.kind in (MadeKind.ALBUM_ASSET, MadeKind.TAG_ASSET):
        container, asset = key.split(":", 1)
        word = "album" if r.kind == MadeKind.ALBUM_ASSET else "tag"
        name = containers.get(container)
        return f"{names.path(asset)} in {word} " + (f"'{name}'" if name else "(deleted since)")
    if r.kind == MadeKind.TRASH:
        return f"{names.path(key)} to Immich's trash"
    if r.kind == MadeKind.ASSET_FIELD:
        asset, _, name = key.partition(":")
        return f"{name} carried to {names.path(asset)}"
    return names.text(key)


def rejection_ids(r: Rejection) -> list[str]:
    """The assets a rejection names."""
    if r.kind in (MadeKind.STACK, MadeKind.DUPLICATE_GROUP):
        return r.key.split(",")
    if r.kind in (MadeKind.ALBUM_ASSET, MadeKind.TAG_ASSET):
        return [r.key.split(":", 1)[-1]]
    if r.kind in (MadeKind.TRASH, MadeKind.ASSET_FIELD):
        return [r.key.split(":", 1)[0]]
    return []
