from __future__ import annotations

from sidecar.engine.core.media import IgnoreMatcher, MediaKind, classify
from sidecar.engine.core.reconcile import (
    Change,
    DiskEntry,
    KnownFile,
    MoveCandidate,
    diff_directory,
    pair_moves,
)
from sidecar.settings import DEFAULT_IGNORE


def entry(name: str, size: int = 10, mtime: int = 1) -> DiskEntry:
    return DiskEntry(name, size, mtime, "image")


def known(
    id_: int,
    name: str,
    size: int = 10,
    mtime: int = 1,
    algo: str | None = "sha1",
    present: bool = True,
) -> KnownFile:
    return KnownFile(id_, name, size, mtime, algo, present)


def test_diff_splits_unchanged_changed_and_new() -> None:
    diff = diff_directory(
        [
            entry("a.jpg"),
            entry("b.jpg", size=11),
            entry("c.jpg", mtime=2),
            entry("d.jpg"),
            entry("e.jpg"),
            entry("f.jpg"),
        ],
        [
            known(1, "a.jpg"),
            known(2, "b.jpg"),
            known(3, "c.jpg"),
            known(5, "e.jpg", algo="sha256"),
            known(6, "f.jpg", present=False),
            known(7, "gone.jpg"),
        ],
        "sha1",
    )
    assert diff.unchanged == [1]
    todo = {t.entry.name: (t.change, t.known_id) for t in diff.to_hash}
    assert todo == {
        "b.jpg": (Change.CHANGED, 2),
        "c.jpg": (Change.CHANGED, 3),
        "d.jpg": (Change.ADDED, None),
        "e.jpg": (Change.CHANGED, 5),  # hashed with another algorithm: read again
        "f.jpg": (Change.ADDED, 6),  # reappeared after removal
    }


def test_a_folder_is_clean_only_when_every_present_record_was_seen_unchanged() -> None:
    records = [known(1, "a.jpg"), known(2, "b.jpg"), known(3, "old.jpg", present=False)]
    same = diff_directory([entry("a.jpg"), entry("b.jpg")], records, "sha1")
    assert same.clean
    assert sorted(same.unchanged) == [1, 2]
    assert same.missing == 0
    gone = diff_directory([entry("a.jpg")], records, "sha1")
    assert not gone.clean
    assert gone.missing == 1
    # an unreadable file is kept: not missing, its record counts as seen
    kept = diff_directory([entry("a.jpg")], records, "sha1", kept=["b.jpg"])
    assert kept.clean
    assert kept.unchanged == [1]
    assert kept.kept == [2]
    new = diff_directory([entry("a.jpg"), entry("b.jpg"), entry("c.jpg")], records, "sha1")
    assert not new.clean
    assert new.missing == 0
    changed = diff_directory([entry("a.jpg"), entry("b.jpg", size=3)], records, "sha1")
    assert not changed.clean
    assert diff_directory([], [], "sha1").clean


def cand(id_: int, path: str, h: str = "h1", size: int = 5, gen: int = 1) -> MoveCandidate:
    return MoveCandidate(id_, h, size, path, gen)


def test_pair_moves_one_to_one_prefers_same_name_then_folder() -> None:
    removed = [cand(1, "/r/a/IMG_1.jpg", gen=3)]
    appeared = [cand(10, "/r/b/copy.jpg", gen=4), cand(11, "/r/c/IMG_1.jpg", gen=4)]
    moves = pair_moves(removed, appeared)
    assert [(m.old.id, m.new.id) for m in moves] == [(1, 11)]

    removed = [cand(1, "/r/a/x.jpg", gen=3), cand(2, "/r/a/y.jpg", gen=3)]
    appeared = [cand(10, "/r/b/x.jpg", gen=4)]
    assert [(m.old.id, m.new.id) for m in pair_moves(removed, appeared)] == [(1, 10)]


def test_pair_moves_requires_same_content_size_and_later_appearance() -> None:
    removed = [cand(1, "/r/a.jpg", h="h1", gen=5)]
    assert pair_moves(removed, [cand(2, "/r/b.jpg", h="h2", gen=6)]) == []
    assert pair_moves(removed, [cand(2, "/r/b.jpg", size=6, gen=6)]) == []
    # a copy that already existed when the old path was last seen is not the moved file
    assert pair_moves(removed, [cand(2, "/r/b.jpg", gen=5)]) == []
    assert pair_moves(removed, [cand(2, "/r/b.jpg", gen=2)]) == []
    assert len(pair_moves(removed, [cand(2, "/r/b.jpg", gen=6)])) == 1


def test_classify_by_extension() -> None:
    assert classify("IMG_0001.JPG") is MediaKind.IMAGE
    assert classify("photo.heic") is MediaKind.IMAGE
    assert classify("DSC0001.ARW") is MediaKind.RAW
    assert classify("x.cr3") is MediaKind.RAW
    assert classify("clip.MOV") is MediaKind.VIDEO
    assert classify("IMG_0001.JPG.xmp") is MediaKind.SIDECAR
    assert classify("notes.txt") is None
    assert classify(".jpg") is None
    assert classify("noext") is None


def test_default_ignore_patterns() -> None:
    ignore = IgnoreMatcher(DEFAULT_IGNORE)
    for name in (
        ".DS_Store",
        ".thumbnails",
        "@eaDir",
        "#recycle",
        "upload.tmp",
        "x.PART",
        "thumbs.db",
        "~lock.jpg",
        "$RECYCLE.BIN",
    ):
        assert ignore(name), name
    for name in ("IMG_0001.JPG", "2019", "a.tmp.jpg", "café.jpg", "Photos #1"):
        assert not ignore(name), name
    assert not IgnoreMatcher([])("anything")
