"""What a key in a group's screen decides, and recording it: each key press is one decision
on the group (and member) current when it was pressed, recorded in the order pressed."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from sidecar.engine.core.models import StoredGroup
from sidecar.engine.services.review import ReviewService
from sidecar.tui.screens.base import TuiServices
from sidecar.tui.text import name_of

__all__ = ["Decide", "GroupList", "offered", "record"]


class Decide(StrEnum):
    KEEPER = "keeper"  # keep the keeper shown; the others to the trash queue
    HIGHLIGHTED = "highlighted"  # keep the highlighted member instead
    NOT = "not"  # not duplicates
    STACK = "stack"  # stack them in Immich instead of trashing
    OUT = "out"  # the highlighted member is no duplicate of the others
    UNDO = "undo"  # no decision about this group now


class GroupList(Protocol):
    """What a group's screen needs of the list it was opened from (the groups screen): its
    rows, and the way to the next one."""

    services: TuiServices
    loaded: list[StoredGroup]
    exhausted: bool
    base: int  # the row of the whole list `loaded` starts at
    total: int | None  # rows in the whole list (None until counted)
    resume_at: int
    albums_warned: bool

    def open_at(self, row: int) -> bool: ...
    def decide(self, row: int, what: Decide, member: str) -> None: ...


def offered(g: StoredGroup, keeper: str, what: Decide) -> bool:
    """Whether `what` can be decided about group `g` (`keeper`: the member kept now): keep
    needs an Immich asset to queue for the trash, stack two Immich assets with the suggested
    keeper among them (in local mode neither can be)."""
    immich = [m.key for m in g.members if m.asset_id]
    if what is Decide.KEEPER:
        return any(key != keeper for key in immich)
    if what is Decide.HIGHLIGHTED:
        return bool(immich)
    if what is Decide.STACK:
        return len(immich) > 1 and g.keeper in immich
    return True


async def record(review: ReviewService, g: StoredGroup, what: Decide, member: str) -> str:
    """Record `what` about group `g` (`member`: the one kept or taken out); what to say."""
    name = name_of(member, g.members)
    others = len(g.members) - 1
    group = f"{name_of(g.keeper, g.members)} and {others} other{'s' if others != 1 else ''}"
    if what is Decide.NOT:
        await review.not_duplicates(g)
        return f"{group}: not duplicates (the next analysis honours it)"
    if what is Decide.STACK:
        ids = await review.stack_instead(g)
        return f"{group}: stack these {len(ids)} in Immich at the next apply"
    if what is Decide.OUT:
        changed = await review.not_this_one(g, member)
        return (
            f"{group}: {name} is not a duplicate of the others"
            + (f"; {changed}" if changed else "")
            + " (decide about the rest here; u takes it back)"
        )
    if what is Decide.UNDO:
        await review.undo_decision(g)
        return (
            f"{group}: no decision now (what an apply already did is undone on the "
            "write-back screen)"
        )
    queued = await review.keep(g, member)
    return (
        f"{group}: keep {name}, {len(queued)} to the trash queue "
        "(T on the write-back screen applies it)"
    )
