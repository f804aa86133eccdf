"""SQL of the analysis migrations: duplicate groups, pairs, near edges, decisions, zoomed views
and the asset indexes (0003-0005)."""

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

SIDE_VIEWS_0015 = """
-- Hashes of views cut from one side of each image (a copy cropped from one side matches one),
-- packed like `zoomed`, and a small grayscale thumbnail that confirms looser matches; NULL for
-- fingerprints made before these columns existed (those are made again once, on the next
-- analysis).
ALTER TABLE fingerprints ADD COLUMN sided BLOB;
ALTER TABLE fingerprints ADD COLUMN thumb BLOB;
-- The side a one-sided view was cut from (NULL: whole frames or a centre view), and the
-- per-mille thumbnail correlation that confirmed the edge (NULL: the hashes were enough).
ALTER TABLE near_edges ADD COLUMN side TEXT;
ALTER TABLE near_edges ADD COLUMN likeness INTEGER;
"""

FINGERPRINT_SEARCH_0018 = """
-- The near-pair search reads every fingerprint's hashes and views on each run with new content:
-- from this covering index (about 300 bytes a content) rather than the table's rows (which
-- hold the thumbnail and the rest, 2 KB and more), in content order, a chunk at a time.
CREATE INDEX fingerprints_search ON fingerprints (content_hash, phash, dhash, zoomed, sided);
"""
