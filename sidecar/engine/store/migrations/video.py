"""Migration 0025: video fingerprints, the facts a review shows of a video member, and the
duration Immich reports of an asset."""

VIDEO_0025 = """
-- A video's fingerprint (engine.core.video): its facts, and (pHash, dHash) of the frames sampled
-- at fixed fractions of its duration. Keyed like photo fingerprints: a file's content hash, or a
-- remote member's key (made from Immich's thumbnail and the asset's duration, one frame). Kept
-- apart from the photo fingerprints: a video is only ever compared with videos.
CREATE TABLE video_prints (
    content_hash TEXT PRIMARY KEY,
    source       TEXT NOT NULL,                 -- pyav | immich-thumbnail
    hash_size    INTEGER NOT NULL,
    duration_ms  INTEGER,
    width        INTEGER,                       -- as shown (rotation applied)
    height       INTEGER,
    fps          REAL,
    codec        TEXT,
    bitrate      INTEGER,                       -- bits per second
    encoder      TEXT,
    brand        TEXT,
    make         TEXT,
    model        TEXT,
    taken_at     TEXT,
    software     TEXT,
    frames       BLOB,                          -- packed signed 64-bit (pHash, dHash) per sample
    times        BLOB,                          -- packed signed 64-bit ms of each sample
    flat         INTEGER,                       -- bit k set: sample k is a flat frame
    poster       BLOB,                          -- THUMB_EDGE x THUMB_EDGE grey poster frame
    error        TEXT,                          -- why there is no fingerprint (then no frames)
    computed_at  TEXT NOT NULL
);
-- The present video files, by content (the videos still to fingerprint are read through it)
CREATE INDEX files_videos ON files (content_hash) WHERE kind = 'video' AND state = 'present';
-- A video member's length and codec, shown in the review
ALTER TABLE dup_members ADD COLUMN duration_ms INTEGER;
ALTER TABLE dup_members ADD COLUMN codec TEXT;
ALTER TABLE pair_members ADD COLUMN duration_ms INTEGER;
ALTER TABLE pair_members ADD COLUMN codec TEXT;
-- The duration Immich reports of a video asset (milliseconds; NULL for photos and for assets
-- mirrored before this column existed)
ALTER TABLE assets ADD COLUMN duration_ms INTEGER;
"""
