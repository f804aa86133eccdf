"""SQL of what the analysis reads before grouping, kept so a run costs by its work, not by the
library (0021): the contents that may still need a fingerprint, and every fingerprint's hashes
packed into pages of rows.

The queue (`unprinted`) holds at least every content that has a present image or RAW file and
no fingerprint, or one made before a later kind of hash (views, EXIF Software, thumbnail)
existed: kept by triggers on `files` and `fingerprints`, filled from the inventory when
created. It may hold a few more (a content whose last file went away before it was
fingerprinted): the listing checks each against the same condition as before, and drops those.
A migration that makes stored fingerprints incomplete again must add their contents to it.
"""

# A content's fingerprint that is complete: an error recorded, or every kind of hash made.
COMPLETE = (
    "({p}.error IS NOT NULL OR ({p}.zoomed IS NOT NULL AND {p}.exif_read IS NOT NULL"
    " AND {p}.thumb IS NOT NULL))"
)
# A file whose content needs a fingerprint (when it has none, or an incomplete one).
NEEDS = "{f}.state = 'present' AND {f}.kind IN ('image', 'raw') AND {f}.content_hash IS NOT NULL"


def _file_trigger(event: str) -> str:
    when = NEEDS.format(f="NEW")
    complete = COMPLETE.format(p="p")
    return (
        f"CREATE TRIGGER unprinted_files_{event.split()[0].lower()} AFTER {event} ON files"
        f" WHEN {when} BEGIN INSERT OR IGNORE INTO unprinted (content_hash)"
        " SELECT NEW.content_hash WHERE NOT EXISTS (SELECT 1 FROM fingerprints p"
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
            "INSERT OR IGNORE INTO unprinted (content_hash) SELECT OLD.content_hash"
            f" WHERE {has_file};"
        )
    else:
        complete = COMPLETE.format(p="NEW")
        body = (
            f"DELETE FROM unprinted WHERE content_hash = NEW.content_hash AND {complete};"
            " INSERT OR IGNORE INTO unprinted (content_hash) SELECT NEW.content_hash"
            f" WHERE NOT {complete} AND {has_file};"
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

PRINT_WORK_0021 = _UNPRINTED
