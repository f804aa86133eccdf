"""What the groups list asks before it accepts the suggested keepers of a whole view, and
what it says after: external-library warnings first, then the groups, the assets queued for
Immich's trash and their bytes, then the groups skipped, counted by reason."""

from __future__ import annotations

from sidecar.engine.services.keepers import BulkResult, KeepersPreview
from sidecar.tui.text import human

__all__ = ["accept_question", "accepted", "undo_question"]

FOLDERS = 4  # folders named per external library (the others counted)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def accept_question(preview: KeepersPreview, view: str) -> tuple[list[str], str]:
    """The confirmation of a bulk accept of `view` (as the list's title names it): the
    external-library warnings (shown first, marked) and the question, as plain text."""
    warnings = []
    if preview.external:
        count = sum(e.assets for e in preview.external)
        warnings.append(
            f"{plural(count, 'asset')} to trash {'is' if count == 1 else 'are'} in an external "
            "library: when Immich's trash is emptied (by hand, or after its trash days) Immich "
            "deletes their files from disk."
        )
        for e in preview.external:
            shown = ", ".join(f"{f} ({n:,})" for f, n in e.folders[:FOLDERS])
            more = len(e.folders) - FOLDERS
            warnings.append(
                f"{plural(e.assets, 'asset')} in {shown}"
                + (f" and {plural(more, 'more folder')}" if more > 0 else "")
            )
    lines = [
        f"Accept the suggested keeper of {plural(preview.groups, 'undecided group')} ({view})?",
        f"  {plural(preview.queued, 'asset')} to Immich's trash queue, {human(preview.bytes)}",
    ]
    for reason, n in sorted(preview.skipped.items(), key=lambda r: -r[1]):
        lines.append(f"  skipped: {plural(n, 'group')}: {reason}")
    lines.append(
        "Nothing is written to Immich here: T on the write-back screen (apply with the trash "
        "queue) does it. U takes the whole batch back; u in a group takes back that group."
    )
    return warnings, "\n".join(lines)


def accepted(result: BulkResult) -> str:
    """The notification after a bulk accept (plain text)."""
    if result.batch is None:
        return "Nothing accepted: no undecided group of this view could be (see the skipped ones)."
    return (
        f"Keepers batch {result.batch}: {plural(result.groups, 'group')} accepted, "
        f"{plural(len(result.queued), 'asset')} queued for Immich's trash "
        f"({human(result.bytes)}). U takes the batch back."
    )


def undo_question(batch: int, groups: int, assets: int) -> str:
    return (
        f"Take back keepers batch {batch} ({plural(groups, 'group')}, "
        f"{plural(assets, 'asset')} in the trash queue)?\n"
        "  Its assets still in the trash queue leave it, and their groups are undecided "
        "again. Assets already moved to Immich's trash stay there (undo that run on the "
        "write-back screen)."
    )
