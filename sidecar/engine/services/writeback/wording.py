"""A write-back plan in words, for a person: grouped by kind (stacks with their primary, album
entries, tags, repairs, what goes to Immich's trash), every asset named by its path in Immich,
warnings first. The CLI prints it, the TUI shows it; `--json` keeps the ids for scripts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sidecar.engine.core.models import AssetLink
from sidecar.engine.core.writeback import Action, ActionKind
from sidecar.engine.services.writeback.reports import WritePlan

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
EXTERNAL = "external library: emptying Immich's trash deletes the file"

KIND_WORDS: dict[str, str] = {  # an action kind, as a person reads it
    ActionKind.CREATE_STACK: "stack",
    ActionKind.CREATE_ALBUM: "new album",
    ActionKind.ADD_TO_ALBUM: "album entries",
    ActionKind.PUBLISH_DUPLICATES: "duplicate group",
    ActionKind.CREATE_TAG: "new tag",
    ActionKind.TAG_ASSETS: "tag entries",
    ActionKind.TRASH: "to Immich's trash",
    ActionKind.REPAIR_MOVE: "repair of a moved file",
}


@dataclass(slots=True)
class Section:
    """A heading and its items (plain text); `warning`: to be read before anything else."""

    title: str
    lines: list[str] = field(default_factory=list)
    warning: bool = False


class Names:
    """How assets are named to a person: their path in Immich (the id when the mirror does not
    know the asset)."""

    def __init__(self, links: Mapping[str, AssetLink]) -> None:
        self.links = links

    def path(self, asset_id: str) -> str:
        link = self.links.get(asset_id)
        path = link.original_path if link and link.original_path else asset_id
        # on one line: control characters (a newline in a name) are escaped
        return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")

    def external(self, asset_id: str) -> bool:
        link = self.links.get(asset_id)
        return link is not None and link.library_id is not None

    def beside(self, first: str, others: Iterable[str]) -> str:
        """Other assets next to `first`: by file name when in the same folder, else by path."""
        folder = posixpath.dirname(self.path(first))
        out = []
        for other in others:
            path = self.path(other)
            same = posixpath.dirname(path) == folder and path != other
            out.append(posixpath.basename(path) if same else path)
        return ", ".join(out)

    def text(self, message: str) -> str:
        """A message with every asset id the mirror knows replaced by the asset's path."""
        return UUID.sub(lambda m: self.path(m.group(0)), message)


def mentioned(planned: WritePlan) -> list[str]:
    """Every asset id a plan names: in its actions, its notes and its errors."""
    ids = [i for a in planned.plan.actions for i in a.asset_ids]
    for text in (*planned.plan.notes, *planned.plan.warnings, *planned.errors):
        ids += UUID.findall(text)
    return ids


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


def counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def headline(planned: WritePlan) -> str:
    """The plan in one sentence: what it makes, then what it leaves alone."""
    by_kind: dict[str, list[Action]] = {}
    for a in planned.plan.actions:
        by_kind.setdefault(a.kind, []).append(a)

    def assets(kind: ActionKind) -> int:
        return sum(len(a.asset_ids) for a in by_kind.get(kind, []))

    parts = []
    if n := len(by_kind.get(ActionKind.CREATE_STACK, [])):
        parts.append(counted(n, "stack"))
    if n := len(by_kind.get(ActionKind.PUBLISH_DUPLICATES, [])):
        parts.append(counted(n, "duplicate group") + " for Immich's review page")
    if n := len(by_kind.get(ActionKind.CREATE_ALBUM, [])):
        parts.append(counted(n, "new album"))
    if n := assets(ActionKind.ADD_TO_ALBUM):
        parts.append(counted(n, "asset") + " added to albums")
    if n := len(by_kind.get(ActionKind.CREATE_TAG, [])):
        parts.append(counted(n, "new tag"))
    if n := assets(ActionKind.TAG_ASSETS):
        parts.append(counted(n, "asset") + " tagged")
    if n := len(by_kind.get(ActionKind.REPAIR_MOVE, [])):
        parts.append(counted(n, "moved file") + " repaired")
    if n := assets(ActionKind.TRASH):
        parts.append(counted(n, "asset") + " to Immich's trash")
    plan = planned.plan
    also = []
    if plan.satisfied:
        also.append(f"{plan.satisfied:,} already in Immich")
    if plan.rejected:
        also.append(f"{plan.rejected:,} undone by a person before, not made again")
    if plan.notes:
        also.append(f"{len(plan.notes):,} left out")
    if not parts and planned.errors:  # not "nothing to write": what there is was not read
        return "No plan: Immich could not be read — what failed is below; nothing was changed"
    made = ", ".join(parts) if parts else "nothing to write"
    return f"Plan: {made}" + (f" ({'; '.join(also)})" if also else "")


def _capped(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"… and {len(lines) - limit:,} more"]


def plan_sections(planned: WritePlan, names: Names, limit: int | None = None) -> list[Section]:
    """The plan by kind, warnings and errors first; `limit`: items shown per section."""
    plan, out = planned.plan, []
    if plan.warnings:
        out.append(Section("Before you apply", list(plan.warnings), warning=True))
    if planned.errors:
        errors = [names.text(e) for e in planned.errors]
        out.append(Section("Could not be planned", errors, warning=True))
    by_kind: dict[str, list[Action]] = {}
    for a in plan.actions:
        by_kind.setdefault(a.kind, []).append(a)
    stacks = [_stack(a, names) for a in by_kind.get(ActionKind.CREATE_STACK, [])]
    if stacks:
        out.append(Section(f"Stacks ({len(stacks):,})", _capped(sorted(stacks), limit)))
    groups = [
        f"{a.category or 'duplicate'} group of {len(a.asset_ids)}: {names.path(a.asset_ids[0])}, "
        + names.beside(a.asset_ids[0], a.asset_ids[1:])
        for a in by_kind.get(ActionKind.PUBLISH_DUPLICATES, [])
    ]
    if groups:
        title = f"Duplicate groups for Immich's review page ({len(groups):,})"
        out.append(Section(title, _capped(sorted(groups), limit)))
    out += _containers(by_kind, "album", names, limit)
    out += _containers(by_kind, "tag", names, limit)
    repairs = [
        f"{names.path(a.asset_ids[1])} gets what {names.path(a.asset_ids[0])} had: " + _carried(a)
        for a in by_kind.get(ActionKind.REPAIR_MOVE, [])
    ]
    if repairs:
        title = f"Moved files given back what they had ({len(repairs):,})"
        out.append(Section(title, _capped(sorted(repairs), limit)))
    trash = [i for a in by_kind.get(ActionKind.TRASH, []) for i in a.asset_ids]
    if trash:
        lines = sorted(
            names.path(i) + (f" ({EXTERNAL})" if names.external(i) else "") for i in trash
        )
        title = f"To Immich's trash ({len(trash):,}; recoverable there, never deleted for good)"
        out.append(Section(title, _capped(lines, limit)))
    if plan.notes:
        notes = [names.text(n) for n in plan.notes]
        out.append(Section(f"Left out ({len(notes):,})", _capped(notes, limit)))
    return out


def _stack(action: Action, names: Names) -> str:
    primary, others = action.asset_ids[0], action.asset_ids[1:]
    category = f" ({action.category})" if action.category else ""
    return f"{names.path(primary)} — primary, with {names.beside(primary, others)}{category}"


def _containers(
    by_kind: Mapping[str, Sequence[Action]], what: str, names: Names, limit: int | None
) -> list[Section]:
    """Albums or tags: each one's new entries (and whether it is made first)."""
    create, add = (
        (ActionKind.CREATE_ALBUM, ActionKind.ADD_TO_ALBUM)
        if what == "album"
        else (ActionKind.CREATE_TAG, ActionKind.TAG_ASSETS)
    )
    made = {(a.album if what == "album" else a.tag) or "" for a in by_kind.get(create, [])}
    entries: dict[str, list[str]] = {name: [] for name in sorted(made)}
    for a in by_kind.get(add, []):
        entries.setdefault((a.album if what == "album" else a.tag) or "", []).extend(a.asset_ids)
    out = []
    for name, ids in entries.items():
        title = f"{what.capitalize()} '{name}'" + (" (new)" if name in made else "")
        title += f" + {counted(len(ids), 'asset')}"
        out.append(Section(title, _capped(sorted(names.path(i) for i in ids), limit)))
    return out


def _carried(action: Action) -> str:
    carry = action.carry or {}
    parts = []
    for key, word in (("albums", "album"), ("tags", "tag")):
        ids = carry.get(key)
        if isinstance(ids, list | tuple) and ids:
            parts.append(counted(len(ids), word))
    if carry.get("favorite"):
        parts.append("favourite")
    if carry.get("description"):
        parts.append("description")
    return ", ".join(parts) or "nothing"


def as_lines(sections: Sequence[Section], indent: str = "  ") -> list[str]:
    """Sections as plain lines: a heading, then its items indented."""
    out = []
    for s in sections:
        out.append(f"{'WARNING — ' if s.warning else ''}{s.title}{':' if s.lines else ''}")
        out += [f"{indent}{line}" for line in s.lines]
    return out
