"""The engine's ports: the protocols services depend on, in one place.

Services take these instead of concrete edges, so the composition root (`sidecar.runtime`)
decides what is plugged in and tests can plug in the real parts against a test server.

- `client`: `ClientFactory` opens an Immich client for one API key (optionally with a known
  server version, so it is not asked again).
- `inventory`: `AssetInventory` (mirrored assets, sync state), `FileInventory` (roots, files,
  moves), `MarkBook` (albums, tags, favourites, ratings people set in Immich).
- `fingerprints`: `Fingerprints` (fingerprints by content, media, look-alike edges);
  `group_views`: `GroupViews` (filtered pages of the latest groups, their totals and ids);
  `pairs`: `Pairs` (the latest pairs and people's decisions about them); `analysis`:
  `AnalysisResults` (all three, plus the results as one swap and group decisions);
  `scope`: `RegroupScope` (what a partial regroup reads and rewrites); `remote`:
  `RemoteMembers` (the assets with no local file an analysis with Immich keeps);
  `video_prints`: `VideoPrints` (video fingerprints by content, the videos still without one).
- `journal`: `Journal` (write-back runs, actions, what was made, rejections).
- `activity`: `OperationLog` (one row per run) and `JobLog` (the daemon's job states).
- `services`: use cases as other use cases see them (`Mirror`, `Analysis`, `DriftReader`,
  `Scanner`, `StatusReader`, `TrashDecisions`): a service never imports another; one that
  needs another at run time takes its port, with only the methods it calls.

The store (`sidecar.engine.store`) implements the store ports; `runtime` passes its concrete
classes where these are asked for, so mypy checks that they fit.
"""

from sidecar.engine.ports.activity import JobLog, OperationLog
from sidecar.engine.ports.analysis import AnalysisResults
from sidecar.engine.ports.client import ClientFactory
from sidecar.engine.ports.fingerprints import Fingerprints
from sidecar.engine.ports.group_views import GroupViews
from sidecar.engine.ports.inventory import AssetInventory, FileInventory, MarkBook
from sidecar.engine.ports.journal import Journal
from sidecar.engine.ports.pairs import Pairs
from sidecar.engine.ports.services import (
    Analysis,
    DriftReader,
    InventoryStatus,
    JsonReport,
    Mirror,
    Scanner,
    StatusReader,
    SyncOutcome,
    TrashDecisions,
    UserSyncOutcome,
)

__all__ = [
    "Analysis",
    "AnalysisResults",
    "AssetInventory",
    "ClientFactory",
    "DriftReader",
    "FileInventory",
    "Fingerprints",
    "GroupViews",
    "InventoryStatus",
    "JobLog",
    "Journal",
    "JsonReport",
    "MarkBook",
    "Mirror",
    "OperationLog",
    "Pairs",
    "Scanner",
    "StatusReader",
    "SyncOutcome",
    "TrashDecisions",
    "UserSyncOutcome",
]
