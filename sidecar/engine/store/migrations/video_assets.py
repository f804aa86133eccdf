"""SQL of migration 0026: Immich's videos as videos.

- A change of an asset's duration is a change to what the analysis reads (0016's counter and
  0017's log watch it from now on: the update triggers made again with the column added).
- The motion parts of live photos (the target of another asset's live_photo_video_id) are
  looked up by that column (a partial index: only live photos have it).
- Earlier versions fingerprinted an Immich video as a photo, from its thumbnail: those rows of
  library videos (key `asset:<id>`) and their near edges go (an upload video's key is its
  content SHA-1 in hex, which SQL cannot make from Immich's base64: the analysis removes those,
  services/analyze/remote_fingerprints.py); the stored remote members are forgotten and the
  input counter bumped, so the next analysis is a full one and no stored group is kept.
"""

from sidecar.engine.store.migrations.inputs import _BUMP, WATCHED
from sidecar.engine.store.migrations.touched import _triggers as _touched_triggers

_ASSET_COLUMNS = f"{dict(WATCHED)['assets']}, duration_ms"
_NAMES = [c.strip() for c in _ASSET_COLUMNS.split(",")]
_OLD = ", ".join(f"OLD.{c}" for c in _NAMES)
_NEW = ", ".join(f"NEW.{c}" for c in _NAMES)
_TOUCHED_UPDATE = next(
    line
    for line in _touched_triggers("assets", _ASSET_COLUMNS).splitlines()
    if line.startswith("CREATE TRIGGER analysis_touched_assets_update ")
)
# the photo fingerprints earlier versions made of library videos
_VIDEO_KEYS = "SELECT 'asset:' || id FROM assets WHERE type = 'VIDEO'"

VIDEO_ASSETS_0026 = f"""
DROP TRIGGER analysis_inputs_assets_update;
CREATE TRIGGER analysis_inputs_assets_update AFTER UPDATE OF {", ".join(_NAMES)} ON assets
 WHEN ({_OLD}) IS NOT ({_NEW}) BEGIN {_BUMP} END;
DROP TRIGGER analysis_touched_assets_update;
{_TOUCHED_UPDATE}
CREATE INDEX IF NOT EXISTS assets_motion_parts ON assets (live_photo_video_id)
 WHERE live_photo_video_id IS NOT NULL;
DELETE FROM near_edges WHERE (a IN ({_VIDEO_KEYS}) OR b IN ({_VIDEO_KEYS}))
 AND coalesce(side, '') NOT LIKE 'video%';
DELETE FROM fingerprints WHERE content_hash IN ({_VIDEO_KEYS});
DELETE FROM meta WHERE key = 'analysis.remote_members';
UPDATE analysis_inputs SET changes = changes + 1
 WHERE id = 1 AND EXISTS (SELECT 1 FROM meta WHERE key = 'analysis.basis');
"""
