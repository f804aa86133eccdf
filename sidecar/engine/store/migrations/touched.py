"""SQL of the log of touched analysis inputs (0017): what changed, not only that something did,
so a run regroups only the part of the library those changes reach (services/analyze/scope.py).

Written by triggers on the same tables and columns as the 0016 counter (a scan rewrites
files.seen_gen and a full sync assets.seen_op on every row: those never log). Each row names
one input: a file (root, folder, name, content), a content's fingerprint, an asset (id, Immich
path), the member keys of a decision about a group or about a pair, an asset whose marks
changed, or `full` (a root, an album's or tag's name: everything). An analysis deletes the
rows its results include.
"""

from sidecar.engine.core.touched import Touched
from sidecar.engine.store.migrations.inputs import WATCHED

_ROWS = {
    "files": (Touched.FILE, "json_array({t}.root_id, {t}.rel_dir, {t}.name, {t}.content_hash)"),
    "fingerprints": (Touched.CONTENT, "{t}.content_hash"),
    "assets": (Touched.ASSET, "json_array({t}.id, {t}.original_path)"),
    "decisions": (Touched.KEYS, "{t}.members"),
    "pair_decisions": (Touched.PAIR, "{t}.members"),
    "album_assets": (Touched.MARK, "{t}.asset_id"),
    "tag_assets": (Touched.MARK, "{t}.asset_id"),
    "albums": (Touched.FULL, "NULL"),
    "tags": (Touched.FULL, "NULL"),
    "roots": (Touched.FULL, "NULL"),
}
# Nothing logs before the first analysis asks for it (the first scan and mirror of a library
# are read whole by that analysis anyway).
LOGGING_KEY = "analysis.touched"
_WHOLE = {"albums", "tags"}  # a new one has no members yet: only a rename or removal counts


def _log(kind: Touched, key: str, row: str) -> str:
    value = key.format(t=row)
    return f"INSERT INTO analysis_touched (kind, key) VALUES ('{kind.value}', {value});"


def _triggers(table: str, columns: str | None) -> str:
    kind, key = _ROWS[table]
    logging = f"EXISTS (SELECT 1 FROM meta WHERE key = '{LOGGING_KEY}')"
    when = {event: f" WHEN {logging}" for event in ("INSERT", "UPDATE", "DELETE")}
    if columns is not None:
        old = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
        new = ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))
        when["UPDATE"] = f" WHEN ({old}) IS NOT ({new}) AND {logging}"
    body = {
        "INSERT": _log(kind, key, "NEW"),
        "UPDATE": _log(kind, key, "OLD") + " " + _log(kind, key, "NEW"),
        "DELETE": _log(kind, key, "OLD"),
    }
    events = ("UPDATE", "DELETE") if table in _WHOLE else ("INSERT", "UPDATE", "DELETE")
    # an update fires it only when it sets a watched column (`UPDATE OF`): a scan's or sync's
    # "seen" mark on every row it sees sets none
    of = {e: e for e in events}
    if columns is not None:
        of["UPDATE"] = "UPDATE OF " + ", ".join(c.strip() for c in columns.split(","))
    return "\n".join(
        f"CREATE TRIGGER analysis_touched_{table}_{event.lower()} AFTER {of[event]} ON {table}"
        f"{when[event]} BEGIN {body[event]} END;"
        for event in events
    )


TOUCHED_0017 = "\n".join(
    [
        """
-- What changed among the analysis inputs since the stored results (see the triggers below),
-- once an analysis started the log (meta 'analysis.touched'); an analysis deletes the rows
-- its stored results include.
CREATE TABLE analysis_touched (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key  TEXT
);
-- A content's near edges are followed both ways when the touched part is widened.
CREATE INDEX near_edges_by_b ON near_edges (b);
""",
        *(_triggers(table, columns) for table, columns in WATCHED),
    ]
)
