"""Named schema migrations, applied in order and recorded in `schema_migrations`.

Never edit a migration that has shipped: add a new one (its SQL in the module of its area, or a
new module) and append it to `MIGRATIONS`. The names and their order are what existing
inventories recorded: never rename or reorder them. Every query the product makes is backed by
an index named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sidecar.engine.store.migrations.analysis import (
    ANALYSIS_0003,
    ASSET_INDEXES_0005,
    FINGERPRINT_SEARCH_0018,
    SIDE_VIEWS_0015,
    ZOOM_VIEWS_0004,
)
from sidecar.engine.store.migrations.inputs import ANALYSIS_INPUTS_0016, SCALE_0019
from sidecar.engine.store.migrations.inventory import ASSETS_FINGERPRINTS_0002, INVENTORY_0001
from sidecar.engine.store.migrations.marks import (
    PERSON_MARKS_0012,
    PERSON_TAGS_0014,
    REVIEW_0011,
    WRITEBACK_VERIFIED_0013,
)
from sidecar.engine.store.migrations.mirror import ASSET_ID_INDEX_0023, ASSET_LOOKUPS_0024
from sidecar.engine.store.migrations.prints import PRINT_WORK_0021
from sidecar.engine.store.migrations.remote import REMOTE_MEMBERS_0020
from sidecar.engine.store.migrations.scan_dirs import SCAN_DIRS_0022
from sidecar.engine.store.migrations.touched import TOUCHED_0017
from sidecar.engine.store.migrations.video import VIDEO_0025
from sidecar.engine.store.migrations.video_assets import VIDEO_ASSETS_0026
from sidecar.engine.store.migrations.writeback import (
    JOBS_0008,
    PAIR_DECISIONS_0009,
    STACK_DECISIONS_0010,
    TRASH_DECISIONS_0007,
    WRITEBACK_0006,
)


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_inventory", INVENTORY_0001),
    Migration("0002_assets_fingerprints", ASSETS_FINGERPRINTS_0002),
    Migration("0003_analysis", ANALYSIS_0003),
    Migration("0004_zoom_views", ZOOM_VIEWS_0004),
    Migration("0005_asset_indexes", ASSET_INDEXES_0005),
    Migration("0006_writeback", WRITEBACK_0006),
    Migration("0007_trash_decisions", TRASH_DECISIONS_0007),
    Migration("0008_jobs", JOBS_0008),
    Migration("0009_pair_decisions", PAIR_DECISIONS_0009),
    Migration("0010_stack_decisions", STACK_DECISIONS_0010),
    Migration("0011_review", REVIEW_0011),
    Migration("0012_person_marks", PERSON_MARKS_0012),
    Migration("0013_writeback_verified", WRITEBACK_VERIFIED_0013),
    Migration("0014_person_tags", PERSON_TAGS_0014),
    Migration("0015_side_views", SIDE_VIEWS_0015),
    Migration("0016_analysis_inputs", ANALYSIS_INPUTS_0016),
    Migration("0017_analysis_touched", TOUCHED_0017),
    Migration("0018_fingerprint_search", FINGERPRINT_SEARCH_0018),
    Migration("0019_scale_counts", SCALE_0019),
    Migration("0020_remote_members", REMOTE_MEMBERS_0020),
    Migration("0021_fingerprint_work", PRINT_WORK_0021),
    Migration("0022_scan_dirs", SCAN_DIRS_0022),
    Migration("0023_asset_id_index", ASSET_ID_INDEX_0023),
    Migration("0024_asset_lookups", ASSET_LOOKUPS_0024),
    Migration("0025_video", VIDEO_0025),
    Migration("0026_video_assets", VIDEO_ASSETS_0026),
)
