"""SQL of the write-back journal and the decisions and jobs around it (0006-0010)."""

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
