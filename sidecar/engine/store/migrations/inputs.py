"""SQL of the analysis inputs counter (0016): every change to what the analysis reads counts
one, so a run can tell "nothing changed since the last one" from a single row."""

# Tables the analysis reads, and for each the columns whose change matters (None: any change;
# a scan rewrites files.seen_gen and a full sync assets.seen_op for every row they see).
WATCHED: tuple[tuple[str, str | None], ...] = (
    ("roots", None),
    (
        "files",
        "root_id, rel_dir, name, kind, size, mtime_ns, content_hash, hash_algo, state",
    ),
    ("fingerprints", None),
    (
        "assets",
        "owner_id, library_id, type, original_path, original_file_name, checksum,"
        " file_created_at, file_modified_at, local_date_time, updated_at, is_favorite,"
        " is_trashed, is_offline, visibility, duplicate_id, stack_id, live_photo_video_id,"
        " width, height, file_size, make, model, date_time_original, exif, state, sync_key",
    ),
    ("decisions", None),
    ("pair_decisions", None),
    ("albums", "sync_key, id, name"),  # (not the signature: when members were last read)
    ("album_assets", None),
    ("tags", "sync_key, id, name"),
    ("tag_assets", None),
)

_BUMP = "UPDATE analysis_inputs SET changes = changes + 1 WHERE id = 1;"


def _triggers(table: str, columns: str | None) -> str:
    changed = ""
    if columns is not None:
        old = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
        new = ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))
        changed = f" WHEN ({old}) IS NOT ({new})"
    return "\n".join(
        f"CREATE TRIGGER analysis_inputs_{table}_{event.lower()} AFTER {event} ON {table}"
        f"{changed if event == 'UPDATE' else ''} BEGIN {_BUMP} END;"
        for event in ("INSERT", "UPDATE", "DELETE")
    )


ANALYSIS_INPUTS_0016 = "\n".join(
    [
        """
-- One row: how many changes were made to what the analysis reads (files, fingerprints, the
-- asset mirror, decisions, album and tag marks), counted by the triggers below. An analysis
-- stores the count it read with its results (meta 'analysis.basis'); the next one, finding
-- the same count and settings, keeps those results instead of grouping again.
CREATE TABLE analysis_inputs (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    changes INTEGER NOT NULL
);
INSERT INTO analysis_inputs (id, changes) VALUES (1, 0);
""",
        *(_triggers(table, columns) for table, columns in WATCHED),
    ]
)


def _update_of(table: str) -> str:
    """The UPDATE trigger of `table` again, fired only by statements that set one of its
    watched columns (`UPDATE OF`): a scan's "seen" mark (seen_gen) and a sync's (seen_op) set
    none, so their rows no longer run the trigger's comparison at all (a rescan marks every
    file it sees, a full sync every asset)."""
    columns = dict(WATCHED)[table]
    assert columns is not None
    names = [c.strip() for c in columns.split(",")]
    old = ", ".join(f"OLD.{c}" for c in names)
    new = ", ".join(f"NEW.{c}" for c in names)
    return (
        f"DROP TRIGGER analysis_inputs_{table}_update;\n"
        f"CREATE TRIGGER analysis_inputs_{table}_update AFTER UPDATE OF {', '.join(names)}"
        f" ON {table} WHEN ({old}) IS NOT ({new}) BEGIN {_BUMP} END;"
    )


# The dashboard's counts (files per state, present assets per user) from indexes instead of a
# read of each whole table. Removed files only are indexed (a partial index: a query for
# present files never picks it, where an index on state led SQLite away from the path and
# hash indexes); present = all - removed. assets_by_state gains sync_key (its prefix, state,
# serves the same lookups as before).
SCALE_0019 = "\n".join(
    [
        _update_of("files"),
        _update_of("assets"),
        "CREATE INDEX files_removed ON files (state) WHERE state != 'present';",
        "DROP INDEX assets_by_state;",
        "CREATE INDEX assets_by_state ON assets (state, sync_key);",
    ]
)
