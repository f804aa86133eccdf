"""SQL of the scan's folder marks (0022): a rescan marks a folder whose files are all unchanged
once, instead of every file in it."""

SCAN_DIRS_0022 = """
-- One row per folder of a root that holds (or held) file records. seen_gen: the last scan
-- that listed the folder and found every present record in it unchanged (or could not read
-- it: what cannot be read is not gone). A present file was last seen by
-- max(files.seen_gen, scan_dirs.seen_gen of its folder); a scan marks the folder, not each
-- file, when nothing in it changed, and looks for vanished records only in the folders it did
-- not mark (their rows name them: no read of the whole root).
CREATE TABLE scan_dirs (
    root_id  INTEGER NOT NULL REFERENCES roots(id),
    rel_dir  TEXT NOT NULL,
    seen_gen INTEGER NOT NULL,
    PRIMARY KEY (root_id, rel_dir)
) WITHOUT ROWID;
INSERT INTO scan_dirs (root_id, rel_dir, seen_gen)
    SELECT DISTINCT root_id, rel_dir, 0 FROM files;
-- Every folder holding a record has its row, whoever writes the record (a move gives a record
-- the folder of another one, which has its row already). A folder's first record makes it,
-- with that record's generation: all the folder held then was seen then (a first scan has no
-- folder left to look through for vanished records).
CREATE TRIGGER scan_dirs_of_new_file AFTER INSERT ON files BEGIN
    INSERT OR IGNORE INTO scan_dirs (root_id, rel_dir, seen_gen)
        VALUES (NEW.root_id, NEW.rel_dir, NEW.seen_gen);
END;
CREATE TRIGGER scan_dirs_of_moved_file AFTER UPDATE OF root_id, rel_dir ON files BEGIN
    INSERT OR IGNORE INTO scan_dirs (root_id, rel_dir, seen_gen)
        VALUES (NEW.root_id, NEW.rel_dir, NEW.seen_gen);
END;
"""
