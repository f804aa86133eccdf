"""Port to the write-back journal: runs and their actions, what the sidecar made in Immich,
what people rejected, and the trash and stack decisions waiting for a plan."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Protocol

from sidecar.engine.core.models import JournalAction, Made, Rejection, Run


class Journal(Protocol):
    """The write-back journal (intent before a call, outcome after it)."""

    async def start_run(
        self, actions: Sequence[tuple[str, str, str, dict[str, Any]]], pid: int | None = None
    ) -> int:
        """A new run with its planned actions (kind, owner, sync key, payload), in order."""

    async def actions(self, run_id: int) -> list[JournalAction]:
        """The actions of a run, in order."""

    async def set_status(
        self,
        action_id: int,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        """Record an action's status (and its result or error)."""

    async def done(
        self,
        action: JournalAction,
        result: dict[str, Any],
        made: Sequence[tuple[str, str, str | None]],
        *,
        unverified: Collection[str] = (),
    ) -> None:
        """The outcome of an action and what it made (kind, key, Immich id), together."""

    async def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        """Close a run with its status and summary."""

    async def runs(self, status: str | None = None) -> list[Run]:
        """Every run (or those with this status)."""

    async def run(self, run_id: int) -> Run | None:
        """One run."""

    async def made(self, kind: str, owner: str | None = None) -> list[Made]:
        """What the sidecar made of this kind that still stands."""

    async def made_by_action(self, action_id: int) -> list[Made]:
        """What one action made."""

    async def made_by_run(self, run_id: int) -> list[Made]:
        """What one run made."""

    async def verify(self, made: Sequence[Made]) -> None:
        """These were read back from Immich and stand."""

    async def end_made(self, made: Sequence[Made], why: str, *, reject: bool) -> None:
        """Mark made things as no longer standing (`reject`: a person undid them)."""

    async def end_gone(self, made: Sequence[Made], why: str) -> int:
        """Made things that are gone from Immich; how many were ended."""

    async def rejections(self) -> list[Rejection]:
        """Everything people rejected."""

    async def lift(self, *, run_id: int | None = None, asset_id: str | None = None) -> int:
        """Forget rejections of a run or an asset, so later plans may make them again."""

    async def rejected(self, kind: str) -> frozenset[str]:
        """Keys of this kind people rejected."""

    async def decide_trash(self, asset_ids: Sequence[str], note: str | None) -> None:
        """A person decided these assets go to the trash."""

    async def revoke_trash(self, asset_ids: Sequence[str]) -> None:
        """Forget trash decisions for these assets."""

    async def trash_decided(self) -> dict[str, str]:
        """Pending trash decisions: asset id -> when it was decided."""

    async def trash_noted(self, prefix: str) -> list[tuple[str, str, str]]:
        """(asset id, note, status) of the trash decisions whose note starts with `prefix`."""

    async def decide_stack(self, asset_ids: Sequence[str], owner: str) -> None:
        """A person decided these assets are stacked instead (primary first)."""

    async def undecide_stack(self, asset_ids: Sequence[str]) -> None:
        """Forget a stack-instead decision for exactly these assets."""

    async def stacks_decided(self) -> list[tuple[str, list[str]]]:
        """(owner, asset ids with the primary first) of groups to stack."""
