"""SQL of the asset mirror's id index (0023): the same table, its id unique by an index of its
own instead of the primary key, so a first full mirror can append into an empty table and
build that index once at the end (engine/store/assets.py).

Inserting a million random UUIDs one page at a time into a B-tree dirties most of its leaves
on every commit: at 300,000 assets the primary key alone doubled SQLite's cost per page
(19 ms against 11 ms without it), and it kept growing with the library. Built at the end from
the sorted ids, the same index takes about 0.4 s at 300,000.

The table is copied (rowids kept: they are the order of a full read) and its triggers made
again exactly as 0016, 0017 and 0019 left them.
"""

from sidecar.engine.store.migrations.inputs import WATCHED, _triggers, _update_of
from sidecar.engine.store.migrations.touched import _triggers as _touched_triggers

ASSET_ID_INDEX = "CREATE UNIQUE INDEX assets_by_id ON assets (id)"

_COLUMNS = (
    "id, owner_id, library_id, type, original_path, original_file_name, checksum,"
    " file_created_at, file_modified_at, local_date_time, updated_at, is_favorite, is_trashed,"
    " is_offline, visibility, duplicate_id, stack_id, live_photo_video_id, width, height,"
    " file_size, make, model, date_time_original, exif, state, sync_key, first_seen_op, seen_op"
)

ASSET_ID_INDEX_0023 = "\n".join(
    [
        f"""
CREATE TABLE assets_0023 (
    id                  TEXT NOT NULL,             -- Immich asset UUID (unique: assets_by_id)
    owner_id            TEXT NOT NULL,
    library_id          TEXT,                      -- NULL for uploads
    type                TEXT NOT NULL,             -- IMAGE | VIDEO | AUDIO | OTHER
    original_path       TEXT NOT NULL,             -- as Immich reports it
    original_file_name  TEXT NOT NULL,
    checksum            TEXT NOT NULL,             -- base64 SHA-1 (of the path for library assets)
    file_created_at     TEXT,
    file_modified_at    TEXT,
    local_date_time     TEXT,
    updated_at          TEXT NOT NULL,             -- Immich's updatedAt, the sync watermark
    is_favorite         INTEGER NOT NULL DEFAULT 0,
    is_trashed          INTEGER NOT NULL DEFAULT 0,
    is_offline          INTEGER NOT NULL DEFAULT 0,
    visibility          TEXT,
    duplicate_id        TEXT,
    stack_id            TEXT,
    live_photo_video_id TEXT,
    width               INTEGER,
    height              INTEGER,
    file_size           INTEGER,
    make                TEXT,
    model               TEXT,
    date_time_original  TEXT,
    exif                TEXT,                      -- JSON as received
    state               TEXT NOT NULL DEFAULT 'present'
                        CHECK (state IN ('present', 'trashed', 'gone')),
    sync_key            TEXT NOT NULL,             -- label of the API key that mirrors it
    first_seen_op       INTEGER NOT NULL,
    seen_op             INTEGER NOT NULL           -- last sync that saw it (generation)
);
INSERT INTO assets_0023 (rowid, {_COLUMNS}) SELECT rowid, {_COLUMNS} FROM assets ORDER BY rowid;
DROP TABLE assets;
ALTER TABLE assets_0023 RENAME TO assets;
-- The id's uniqueness, and every lookup by id. A first full mirror into an empty table drops
-- it and builds it again at the end of the pass; opening the inventory builds it if a pass
-- was stopped before that.
{ASSET_ID_INDEX};
CREATE INDEX assets_by_state ON assets (state, sync_key);
""",
        _triggers("assets", dict(WATCHED)["assets"]),
        _update_of("assets"),
        _touched_triggers("assets", dict(WATCHED)["assets"]),
    ]
)

# The asset lookups of a partial regroup with Immich configured and of the HEIC fallback to
# Immich's thumbnails (0024): by Immich path, and an upload by its checksum. Without them each
# such lookup read the whole mirror (about 1 GB at 1M assets). Like the id index, a first full
# mirror into an empty table drops them and builds them at the end of its pass.
ASSET_LOOKUPS = (
    ("assets_by_path", "CREATE INDEX assets_by_path ON assets (original_path)"),
    (
        "assets_by_upload",
        "CREATE INDEX assets_by_upload ON assets (checksum) WHERE library_id IS NULL",
    ),
)
ASSET_LOOKUPS_0024 = "".join(f"{sql};\n" for _, sql in ASSET_LOOKUPS)
