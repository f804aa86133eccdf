"""Write-back to Immich: plan (fresh state, nothing written), apply (journaled run), undo."""

from sidecar.engine.core.writeback import Action
from sidecar.engine.services.writeback.plan import Planner
from sidecar.engine.services.writeback.reports import (
    ApplyReport,
    UndoReport,
    WritePlan,
)
from sidecar.engine.services.writeback.service import WritebackService

__all__ = [
    "Action",
    "ApplyReport",
    "Planner",
    "UndoReport",
    "WritePlan",
    "WritebackService",
]
