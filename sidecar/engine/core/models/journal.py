"""What the write-back journal holds: runs, their actions, what a run made in Immich, and
what people rejected. Kinds and statuses are named in `core.models.kinds`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class JournalAction:
    id: int
    run_id: int
    seq: int
    kind: str
    owner: str
    sync_key: str
    payload: dict[str, Any]
    status: str
    result: dict[str, Any]
    error: str | None


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    started_at: str
    ended_at: str | None
    status: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Made:
    id: int
    kind: str
    key: str
    owner: str
    immich_id: str | None
    run_id: int
    action_id: int
    verified: bool = True  # read back from Immich after the run that made it


@dataclass(frozen=True, slots=True)
class Rejection:
    """Something a person undid (in Immich, or with `undo`): never made again until lifted."""

    kind: str
    key: str
    owner: str
    noted_at: str
    reason: str
