"""Write-back to Immich: plan (fresh state, nothing written), apply (journaled run), undo."""

from sidecar.engine.services.writeback.service import (
    Action,
    ApplyReport,
    UndoReport,
    WritebackBusyError,
    WritebackRefusedError,
    WritebackService,
    WritePlan,
)

__all__ = [
    "Action",
    "ApplyReport",
    "UndoReport",
    "WritePlan",
    "WritebackBusyError",
    "WritebackRefusedError",
    "WritebackService",
]
