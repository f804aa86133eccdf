"""SQL of what the analysis reads before grouping, kept so a run costs by its work, not by the
library (0021): the contents that may still need a fingerprint, and every fingerprint's hashes
packed into pages of rows.

The queue (`unprinted`) holds at least every content that has a present image or RAW file and
no fingerprint, or one made before a later kind of hash (views, EXIF Software, thumbnail)
existed: kept by triggers on `files` and `fingerprints`, filled from the inventory when
created. It may hold a few more (a content whose last file went away before it was
fingerprinted): the listing checks each against the same condition as before, and drops those.
A migration that makes stored fingerprints incomplete again must add their contents to it.

The pages (`fingerprint_pages`) hold the hashes of the fingerprints whose row ids fall in one
range of PAGE_ROWS, packed (engine/store/hash_pages.py): the near-pair search of a run reads
them, a thousand rows at 1M, instead of a million rows. They are built when first read; a
change to a fingerprint deletes its page (triggers below), and each page records its last row
(id and content) so a page made stale without the triggers (row ids renumbered by a VACUUM) is
noticed and built again. The covering index of migration 0018 is no longer read: dropped.
"""

PAGE_BITS = 10  # a page holds the fingerprints with row ids [page << 10, (page + 1) << 10)

# A content's fingerprint that is complete: an error recorded, or every kind of hash made.
COMPLETE = (
    "({p}.error IS NOT NULL OR ({p}.zoomed IS NOT NULL AND {p}.exif_read IS NOT NULL"
    " AND {p}.thumb IS NOT NULL))"
)
# A file whose content needs a fingerprint (when it has none, or an incomplete one).
NEEDS = "{f}.state = 'present' AND {f}.kind IN ('image', 'raw') AND {f}.content_hash IS NOT NULL"


# (Not INSERT OR IGNORE: a conflict clause of the statement that fires a trigger overrides
# its statements' own, and a scan's upsert would then fail on a content already queued.)
_UNQUEUED = "NOT EXISTS (SELECT 1 FROM unprinted u WHERE u.content_hash = {r}.content_hash)"


def _file_trigger(event: str) -> str:
    when = NEEDS.format(f="NEW")
    complete = COMPLETE.format(p="p")
    return (
        f"CREATE TRIGGER unprinted_files_{event.split()[0].lower()} AFTER {event} ON files"
        f" WHEN {when} BEGIN INSERT INTO unprinted (content_hash)"
        f" SELECT NEW.content_hash WHERE {_UNQUEUED.format(r='NEW')}"
        " AND NOT EXISTS (SELECT 1 FROM fingerprints p"
        f" WHERE p.content_hash = NEW.content_hash AND {complete}); END;"
    )


def _print_trigger(event: str, row: str) -> str:
    has_file = (
        "EXISTS (SELECT 1 FROM files f WHERE f.content_hash = {r}.content_hash AND "
        + NEEDS.format(f="f")
        + ")"
    ).format(r=row)
    if event == "DELETE":
        body = (
            "INSERT INTO unprinted (content_hash) SELECT OLD.content_hash"
            f" WHERE {_UNQUEUED.format(r='OLD')} AND {has_file};"
        )
    else:
        complete = COMPLETE.format(p="NEW")
        body = (
            f"DELETE FROM unprinted WHERE content_hash = NEW.content_hash AND {complete};"
            " INSERT INTO unprinted (content_hash) SELECT NEW.content_hash"
            f" WHERE NOT {complete} AND {_UNQUEUED.format(r='NEW')} AND {has_file};"
        )
    return (
        f"CREATE TRIGGER unprinted_prints_{event.lower()} AFTER {event} ON fingerprints"
        f" BEGIN {body} END;"
    )


_UNPRINTED = f"""
-- The contents that may need a fingerprint (see the module's text): the analysis lists these
-- instead of looking through every file.
CREATE TABLE unprinted (
    content_hash TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO unprinted (content_hash)
SELECT DISTINCT f.content_hash FROM files f
LEFT JOIN fingerprints p ON p.content_hash = f.content_hash
WHERE {NEEDS.format(f="f")} AND (p.content_hash IS NULL OR NOT {COMPLETE.format(p="p")});
{_file_trigger("INSERT")}
{_file_trigger("UPDATE OF content_hash, state, kind")}
{_print_trigger("INSERT", "NEW")}
{_print_trigger("UPDATE", "NEW")}
{_print_trigger("DELETE", "OLD")}
"""

_PAGES = f"""
CREATE TABLE fingerprint_pages (
    page    INTEGER PRIMARY KEY,        -- fingerprints.rowid >> {PAGE_BITS}
    hashes  BLOB NOT NULL,              -- the rows with hashes, packed (see hash_pages.py)
    top     INTEGER,                    -- the last row id in the range when built (NULL: none)
    top_key TEXT                        -- that row's content
);
-- the row an INSERT OR REPLACE removes (its delete triggers do not fire), then the new row
CREATE TRIGGER fingerprint_pages_replaced BEFORE INSERT ON fingerprints BEGIN
    DELETE FROM fingerprint_pages WHERE page = (SELECT rowid >> {PAGE_BITS} FROM fingerprints
        WHERE content_hash = NEW.content_hash); END;
CREATE TRIGGER fingerprint_pages_insert AFTER INSERT ON fingerprints BEGIN
    DELETE FROM fingerprint_pages WHERE page = NEW.rowid >> {PAGE_BITS}; END;
CREATE TRIGGER fingerprint_pages_update AFTER UPDATE ON fingerprints BEGIN
    DELETE FROM fingerprint_pages
    WHERE page IN (OLD.rowid >> {PAGE_BITS}, NEW.rowid >> {PAGE_BITS}); END;
CREATE TRIGGER fingerprint_pages_delete AFTER DELETE ON fingerprints BEGIN
    DELETE FROM fingerprint_pages WHERE page = OLD.rowid >> {PAGE_BITS}; END;
DROP INDEX IF EXISTS fingerprints_search;
"""

PRINT_WORK_0021 = _UNPRINTED + _PAGES
