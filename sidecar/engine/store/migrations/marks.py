"""SQL of the review, the albums and tags a person set, and the verified write-back journal
(0011-0014)."""

REVIEW_0011 = """
-- Pairs a person accepted in the review ('accept': stack it in Immich even when its kind is not
-- in writeback.stacks; the primary is kept too). SQLite cannot widen a CHECK: the table is made
-- again with its rows. Duplicate groups are also found by Immich asset id (decisions to trash).
CREATE TABLE pair_decisions_new (
    members     TEXT PRIMARY KEY,                    -- JSON sorted list of member keys
    kind        TEXT NOT NULL CHECK (kind IN ('reject', 'primary', 'accept')),
    primary_key TEXT,
    made_at     TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO pair_decisions_new SELECT members, kind, primary_key, made_at FROM pair_decisions;
DROP TABLE pair_decisions;
ALTER TABLE pair_decisions_new RENAME TO pair_decisions;
CREATE INDEX dup_members_by_asset ON dup_members (asset_id);
"""

PERSON_MARKS_0012 = """
-- What says a file is the camera's own (EXIF Software and DateTime; exif_read = 1 once they
-- were looked for: older fingerprints are made again once), and the Immich albums a person put
-- assets in, per API key (own and shared albums), read again only when an album changed.
ALTER TABLE fingerprints ADD COLUMN software TEXT;
ALTER TABLE fingerprints ADD COLUMN modified_at TEXT;
ALTER TABLE fingerprints ADD COLUMN exif_read INTEGER;
CREATE TABLE albums (
    sync_key   TEXT NOT NULL,                      -- the API key label that sees the album
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    signature  TEXT NOT NULL,                      -- updatedAt|assetCount when last read
    PRIMARY KEY (sync_key, id)
) WITHOUT ROWID;
CREATE TABLE album_assets (
    album_id   TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    PRIMARY KEY (album_id, asset_id)
) WITHOUT ROWID;
CREATE INDEX album_assets_by_asset ON album_assets (asset_id);
"""

WRITEBACK_VERIFIED_0013 = """
-- What a run made is 'verified' once read back from Immich after the run: only a verified
-- entry that is gone later counts as a person's rejection (Immich itself can drop fresh tag
-- entries). Rows from before this migration count as verified, as they were treated so far.
-- An undo that finds a person changed or removed what a run made leaves it: status 'left'
-- (SQLite cannot widen a CHECK: the table is made again with its rows).
ALTER TABLE wb_made ADD COLUMN verified INTEGER NOT NULL DEFAULT 1;
CREATE TABLE wb_actions_new (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES wb_runs (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    sync_key   TEXT NOT NULL,
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('planned', 'intent', 'done', 'failed',
                                               'skipped', 'reverted', 'revert_failed',
                                               'left')),
    result     TEXT,
    error      TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (run_id, seq)
);
INSERT INTO wb_actions_new SELECT id, run_id, seq, kind, owner, sync_key, payload, status,
    result, error, updated_at FROM wb_actions;
DROP TABLE wb_actions;
ALTER TABLE wb_actions_new RENAME TO wb_actions;
"""

PERSON_TAGS_0014 = """
-- The root tags a person gave assets in Immich, per API key (the sidecar's own tag_root subtree
-- is no mark): a root's assets include those of every tag below it. Read again at each
-- analysis (tags carry no count, and their updatedAt does not move when assets are tagged).
-- Fingerprints gain an estimated JPEG quality (null: not a JPEG, or made before this column).
CREATE TABLE tags (
    sync_key   TEXT NOT NULL,                      -- the API key label that sees the tag
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (sync_key, id)
) WITHOUT ROWID;
CREATE TABLE tag_assets (
    tag_id     TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    PRIMARY KEY (tag_id, asset_id)
) WITHOUT ROWID;
CREATE INDEX tag_assets_by_asset ON tag_assets (asset_id);
ALTER TABLE fingerprints ADD COLUMN jpeg_quality INTEGER;
"""
