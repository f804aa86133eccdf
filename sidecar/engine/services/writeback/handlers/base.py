"""What every write-back handler shares: the context an action runs in, what it returns, and
the base class each kind's handler fills in (execute, settle, revert)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sidecar.engine.core.models import JournalAction, Made, MadeKind
from sidecar.engine.core.writeback import entry_key
from sidecar.engine.ports import Journal
from sidecar.engine.support.errors import WritebackRefusedError
from sidecar.immich_client import ImmichClient, ImmichNotFoundError
from sidecar.immich_client.models import Asset, BulkIdResult

MadeRow = tuple[str, str, str | None]  # (made kind, key, Immich id)
Outcome = tuple[dict[str, Any], list[MadeRow]]  # (result kept in the journal, what it made)


@dataclass(slots=True)
class Context:
    """One action's call: the owner's client, the journal, and the albums and tags made
    earlier in the same run ((owner, album name or tag) -> id)."""

    client: ImmichClient
    journal: Journal
    created: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reverted:
    """What undoing one action did: `undone` of `total` things it made were reverted."""

    undone: int
    total: int
    note: str | None = None


class Handler:
    """One action kind: `execute` it, `settle` it after a killed run from what Immich shows
    (None: Immich shows nothing made), `revert` what still stands as the run made it."""

    tags = False  # it tags assets (reading back waits for Immich's metadata writes)

    async def execute(self, ctx: Context, action: JournalAction) -> Outcome:
        raise WritebackRefusedError(f"unknown action kind {action.kind}")

    async def settle(self, ctx: Context, action: JournalAction) -> Outcome | None:
        return None

    async def revert(
        self, client: ImmichClient, action: JournalAction, made: Sequence[Made]
    ) -> Reverted:
        return Reverted(0, len(made), f"nothing to undo for {action.kind}")

    def updates(self, action: JournalAction) -> list[str]:
        """Assets it updates with PUT /assets (each queues a metadata write in Immich)."""
        return []

    async def after_undo(self, journal: Journal, made: Sequence[Made]) -> None:
        """What else a person's undo means for the journal (unless remaking is allowed)."""


def ids_of(action: JournalAction) -> list[str]:
    return list(action.payload["asset_ids"])


def counted(results: Sequence[BulkIdResult]) -> int:
    return sum(1 for r in results if r.success)


def partly(undone: int, total: int, what: str, gone: str) -> str | None:
    if undone == total:
        return None
    return f"{total - undone} of {total} {what} were {gone} already; only the rest undone"


def entries(results: list[BulkIdResult], kind: MadeKind, container_id: str) -> Outcome:
    """What a bulk add to an album or tag did: the ids added (recorded as made), and the ids
    Immich refused, with why ("duplicate" — already there — is not a refusal)."""
    added = [r.id for r in results if r.success]
    dropped = {
        r.id: r.error or "unknown" for r in results if not r.success and r.error != "duplicate"
    }
    made: list[MadeRow] = [(kind, entry_key(container_id, a), container_id) for a in added]
    return {"added": added, "dropped": dropped}, made


async def settle_entries(
    kind: MadeKind,
    id_field: str,
    container_id: str | None,
    members_of: Callable[[str], Awaitable[Collection[str]]],
    ids: Sequence[str],
) -> Outcome | None:
    """An interrupted bulk add to an album or tag: the entries Immich shows, as made. None
    when it shows none (or the album/tag was never made)."""
    if container_id is None:
        return None
    present = await members_of(container_id)
    added = [a for a in ids if a in present]
    if not added:
        return None
    made: list[MadeRow] = [(kind, entry_key(container_id, a), container_id) for a in added]
    return {id_field: container_id, "added": added}, made


def asset_of(m: Made) -> str:
    return m.key.split(":", 1)[1]


def description(asset: Asset) -> str:
    return (asset.exif.description if asset.exif else None) or ""


async def is_trashed(client: ImmichClient, asset_id: str) -> bool:
    try:
        return (await client.asset(asset_id)).is_trashed
    except ImmichNotFoundError:
        return False


async def duplicate_id(client: ImmichClient, asset_id: str) -> str | None:
    try:
        return (await client.asset(asset_id)).duplicate_id
    except ImmichNotFoundError:
        return None
