"""The engine's own vocabulary: the value types services, the TUI and the scheduler speak.
The store maps its rows into them; nothing here does I/O."""

from sidecar.engine.core.models.activity import JobState, Operation
from sidecar.engine.core.models.analysis import (
    FingerprintRow,
    MediaItem,
    Member,
    NearEdge,
    StoredGroup,
    StoredPair,
)
from sidecar.engine.core.models.decisions import (
    GroupDecision,
    MemberVerdict,
    PairDecision,
    TrashDecision,
)
from sidecar.engine.core.models.inventory import (
    AssetLink,
    AssetRow,
    FileRecord,
    HashedFile,
    Marks,
    Root,
    SyncState,
    UpsertCounts,
    join_path,
)
from sidecar.engine.core.models.journal import JournalAction, Made, Rejection, Run
from sidecar.engine.core.models.kinds import ActionStatus, MadeKind, RunStatus

__all__ = [
    "ActionStatus",
    "AssetLink",
    "AssetRow",
    "FileRecord",
    "FingerprintRow",
    "GroupDecision",
    "HashedFile",
    "JobState",
    "JournalAction",
    "Made",
    "MadeKind",
    "Marks",
    "MediaItem",
    "Member",
    "MemberVerdict",
    "NearEdge",
    "Operation",
    "PairDecision",
    "Rejection",
    "Root",
    "Run",
    "RunStatus",
    "StoredGroup",
    "StoredPair",
    "SyncState",
    "TrashDecision",
    "UpsertCounts",
    "join_path",
]
