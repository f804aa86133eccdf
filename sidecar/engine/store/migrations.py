"""Named schema migrations, applied in order and recorded in `schema_migrations`.

Never edit a migration that has shipped: add a new one. Every query the product makes is
backed by an index named here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    sql: str


INVENTORY_0001 = """
CREATE TABLE roots (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,          -- absolute folder as this process sees it
    created_at  TEXT NOT NULL,
    last_scan_op INTEGER
);

-- One row per media path ever seen under a root. Rows are never deleted by a scan: a file
-- that disappears becomes state 'removed'; a move keeps the row (and its id) at a new path.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    root_id      INTEGER NOT NULL REFERENCES roots(id),
    rel_dir      TEXT NOT NULL,                -- '' for the root itself, '/'-separated
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('image', 'raw', 'video', 'sidecar')),
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    content_hash TEXT,                         -- hex digest of the whole file
    hash_algo    TEXT,
    first_seen   TEXT NOT NULL,
    first_gen    INTEGER NOT NULL,             -- scan operation that first saw this path
    seen_gen     INTEGER NOT NULL,             -- scan operation that last saw it (generation);
                                               -- when: operations.started_at of that id
    state        TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'removed')),
    removed_at   TEXT,
    UNIQUE (root_id, rel_dir, name)            -- index: lookups by path and per directory
);
CREATE INDEX files_by_hash ON files (content_hash);
-- Deliberately no index on seen_gen: it would be rewritten for every unchanged file on every
-- scan (measured: 2.7x the cost of marking 100k rows). The end-of-scan sweep reads the
-- scanned root's rows once through the UNIQUE index's root_id prefix instead.

CREATE TABLE file_moves (
    id        INTEGER PRIMARY KEY,
    file_id   INTEGER NOT NULL REFERENCES files(id),
    op_id     INTEGER NOT NULL,
    from_path TEXT NOT NULL,
    to_path   TEXT NOT NULL,
    moved_at  TEXT NOT NULL
);
CREATE INDEX file_moves_by_file ON file_moves (file_id);

-- Scans, syncs, analyses and write-back runs, with their counts.
CREATE TABLE operations (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    duration_s    REAL,
    scanned       INTEGER NOT NULL DEFAULT 0,
    added         INTEGER NOT NULL DEFAULT 0,
    changed       INTEGER NOT NULL DEFAULT 0,
    moved         INTEGER NOT NULL DEFAULT 0,
    removed       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    hashed        INTEGER NOT NULL DEFAULT 0,
    bytes_hashed  INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    error_message TEXT,
    details       TEXT                           -- JSON: scope, roots, extra counters
);
CREATE INDEX operations_by_kind ON operations (kind, id);
CREATE INDEX operations_by_status ON operations (status);

CREATE TABLE operation_errors (
    id     INTEGER PRIMARY KEY,
    op_id  INTEGER NOT NULL REFERENCES operations(id),
    path   TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX operation_errors_by_op ON operation_errors (op_id);
"""

ASSETS_FINGERPRINTS_0002 = """
-- The mirror of Immich assets (filled by sync). One row per asset id ever seen; an asset that
-- disappears from Immich is marked, never dropped.
CREATE TABLE assets (
    id                  TEXT PRIMARY KEY,          -- Immich asset UUID
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
CREATE INDEX assets_by_owner ON assets (owner_id, state);
-- No index on seen_op (rewritten for every asset on every full pass); the sweep after a full
-- pass reads the table once.
CREATE INDEX assets_by_state ON assets (state);
CREATE INDEX assets_by_checksum ON assets (checksum);
CREATE INDEX assets_by_path ON assets (original_path);

-- Per API key: the updatedAt watermark of the last completed pass and the last full pass.
CREATE TABLE sync_state (
    sync_key          TEXT PRIMARY KEY,
    key_id            TEXT,                         -- Immich's id of the API key, when known
    watermark         TEXT,                         -- ISO updatedAt, server clock
    last_full_sweep   TEXT,                         -- local time of the last complete full pass
    updated_at        TEXT NOT NULL
);

-- Small facts about the outside world, e.g. the Immich server version last probed.
CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Perceptual fingerprints keyed by content, so a moved or renamed file is never decoded again
-- (filled by analysis).
CREATE TABLE fingerprints (
    content_hash TEXT PRIMARY KEY,
    hash_algo    TEXT NOT NULL,
    phash        INTEGER,                          -- 64-bit, stored signed
    dhash        INTEGER,
    hash_size    INTEGER NOT NULL DEFAULT 8,
    width        INTEGER,
    height       INTEGER,
    source       TEXT NOT NULL,                    -- e.g. jpeg-draft, raw-preview, immich-thumbnail
    taken_at     TEXT,                             -- EXIF DateTimeOriginal (+ sub-seconds)
    make         TEXT,
    model        TEXT,
    error        TEXT,                             -- why no fingerprint could be made
    computed_at  TEXT NOT NULL
);
"""

ANALYSIS_0003 = """
-- The latest analysis: duplicate groups and pairs, replaced as a whole by each run.
CREATE TABLE dup_groups (
    id         INTEGER PRIMARY KEY,
    op_id      INTEGER NOT NULL,
    tier       TEXT NOT NULL CHECK (tier IN ('exact', 'near', 'semantic')),
    owner      TEXT NOT NULL,
    keeper     TEXT NOT NULL,                    -- member key (asset id, or path locally)
    reasons    TEXT NOT NULL,                    -- JSON list of strings
    distance   INTEGER NOT NULL,
    reclaim    INTEGER NOT NULL DEFAULT 0        -- bytes freed if only the keeper stays
);
CREATE TABLE dup_members (
    group_id   INTEGER NOT NULL REFERENCES dup_groups(id) ON DELETE CASCADE,
    member     TEXT NOT NULL,
    path       TEXT,
    asset_id   TEXT,
    size       INTEGER,
    width      INTEGER,
    height     INTEGER,
    captured_at TEXT,
    PRIMARY KEY (group_id, member)
) WITHOUT ROWID;
CREATE INDEX dup_members_by_member ON dup_members (member);

CREATE TABLE pairs (
    id         INTEGER PRIMARY KEY,
    op_id      INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('raw+jpeg', 'variant', 'burst')),
    owner      TEXT NOT NULL,
    primary_member TEXT NOT NULL,
    reasons    TEXT NOT NULL
);
CREATE TABLE pair_members (
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    member     TEXT NOT NULL,
    path       TEXT,
    asset_id   TEXT,
    size       INTEGER,
    width      INTEGER,
    height     INTEGER,
    captured_at TEXT,
    PRIMARY KEY (pair_id, member)
) WITHOUT ROWID;
CREATE INDEX pair_members_by_member ON pair_members (member);

-- Near-duplicate candidates between contents (a < b), within the thresholds recorded in
-- meta 'analysis.edges'; extended incrementally with each new fingerprint.
CREATE TABLE near_edges (
    a              TEXT NOT NULL,
    b              TEXT NOT NULL,
    phash_distance INTEGER NOT NULL,
    dhash_distance INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;

-- What a person decided; honoured by every later run, never overwritten by analysis.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('not_duplicates', 'keep_together')),
    members    TEXT NOT NULL,                    -- JSON sorted list of member keys
    made_at    TEXT NOT NULL,
    note       TEXT,
    UNIQUE (kind, members)
);
"""

ZOOM_VIEWS_0004 = """
-- Hashes of centre views of each image (a slightly cropped copy matches one of them), packed
-- as signed 64-bit little-endian (pHash, dHash) per view; NULL for fingerprints made before
-- this column existed (they are made again once).
ALTER TABLE fingerprints ADD COLUMN zoomed BLOB;
-- How a near-duplicate edge was found: 0 = whole frames, else the per-mille cut from every
-- side of the view of one image that matched the other's whole frame.
ALTER TABLE near_edges ADD COLUMN zoom INTEGER NOT NULL DEFAULT 0;
"""

ASSET_INDEXES_0005 = """
-- Nothing queries assets by owner, checksum or path (drift and analysis read the mirror once
-- and join in memory), and every index costs a full mirror about 1.5 ms per 1000 assets.
DROP INDEX IF EXISTS assets_by_owner;
DROP INDEX IF EXISTS assets_by_checksum;
DROP INDEX IF EXISTS assets_by_path;
"""

WRITEBACK_0006 = """
-- Write-back runs: every action is journaled before its call (intent) and after it (outcome),
-- so a killed run can be resumed or undone.
CREATE TABLE wb_runs (
    id         INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    status     TEXT NOT NULL
               CHECK (status IN ('running', 'done', 'failed', 'interrupted', 'undone')),
    summary    TEXT                                  -- JSON counts
);
CREATE TABLE wb_actions (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES wb_runs (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,                        -- create_stack | create_album | add_to_album
    owner      TEXT NOT NULL,                        -- Immich user id
    sync_key   TEXT NOT NULL,                        -- label of the API key that acts
    payload    TEXT NOT NULL,                        -- JSON: the planned action
    status     TEXT NOT NULL CHECK (status IN ('planned', 'intent', 'done', 'failed',
                                               'skipped', 'reverted', 'revert_failed')),
    result     TEXT,                                 -- JSON: what Immich answered (ids)
    error      TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (run_id, seq)
);
-- What the sidecar made in Immich; `active` while it stands. A person removing it in Immich
-- turns it into a rejection.
CREATE TABLE wb_made (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,                         -- stack | album | album_asset |
                                                     -- duplicate_group
    key       TEXT NOT NULL,                         -- stack, duplicate_group: sorted member
                                                     -- ids; album: owner:name; album_asset:
                                                     -- album id:asset id
    owner     TEXT NOT NULL,
    immich_id TEXT,                                  -- the stack's, album's or duplicate id
    run_id    INTEGER NOT NULL,
    action_id INTEGER NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    ended     TEXT                                   -- undone | removed in Immich
);
CREATE INDEX wb_made_by_kind ON wb_made (kind, active);
-- What people undid: never made again.
CREATE TABLE wb_rejected (
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    owner    TEXT NOT NULL,
    noted_at TEXT NOT NULL,
    reason   TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
"""

TRASH_DECISIONS_0007 = """
-- Assets a person decided to move to Immich's trash (`decide trash`); applied only by
-- `apply --trash-decided`, never with force. 'revoked': the person took it back, or restored
-- the asset from Immich's trash after a run trashed it.
CREATE TABLE trash_decisions (
    asset_id   TEXT PRIMARY KEY,
    decided_at TEXT NOT NULL,
    note       TEXT,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'revoked'))
) WITHOUT ROWID;
"""

JOBS_0008 = """
-- The daemon's scheduled jobs: when each last ran, how it ended, and when it runs next.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,                   -- sync | scan | plan | watch
    last_started TEXT,
    last_ended   TEXT,
    last_status  TEXT,                               -- ok | failed | running | interrupted
    last_message TEXT,
    last_ok      TEXT,                               -- when it last ended ok
    failing_since TEXT,                              -- first failure of the current streak
    counts       TEXT,                               -- JSON
    next_run     TEXT
) WITHOUT ROWID;
"""

PAIR_DECISIONS_0009 = """
-- What a person decided about a pair or burst (review TUI): 'reject' (not a pair: never formed
-- again) or 'primary' (this member is the primary). Keyed by the sorted member keys.
CREATE TABLE pair_decisions (
    members     TEXT PRIMARY KEY,                    -- JSON sorted list of member keys
    kind        TEXT NOT NULL CHECK (kind IN ('reject', 'primary')),
    primary_key TEXT,
    made_at     TEXT NOT NULL
) WITHOUT ROWID;
"""

STACK_DECISIONS_0010 = """
-- Duplicate groups a person chose to stack in Immich instead of trashing copies (review TUI):
-- Immich asset ids, the one to show on top first.
CREATE TABLE stack_decisions (
    members  TEXT PRIMARY KEY,                       -- JSON list of asset ids, primary first
    owner    TEXT NOT NULL,
    made_at  TEXT NOT NULL
) WITHOUT ROWID;
"""

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
)
