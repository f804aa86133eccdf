"""The unmapped folders are found in SQL (only paths outside every library are read): the
same folders as the pure grouping over every path, on a real inventory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sidecar.engine.core.unmapped import unmapped_folders
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

PATHS = {
    "/mnt/photos/a.jpg": "present",
    "/mnt/photos/2019/b.jpg": "present",
    "/mnt/photos": "present",  # the library's folder itself: mapped, as the pure check says
    "/mnt/photos2/c.jpg": "present",  # a sibling folder sharing the prefix: not mapped
    "/mnt/photos_%/d.jpg": "present",  # LIKE's wildcards mean nothing here
    "/MNT/photos/e.jpg": "present",  # paths are case-sensitive
    "/data/upload/u/f.jpg": "trashed",
    "/data/upload/u/g.jpg": "gone",  # gone: never counted
    "/usr/src/app/upload/h.jpg": "present",
}


async def test_unmapped_folders_match_the_pure_grouping(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    settings = Settings.model_validate(
        {
            "storage": {"state_dir": str(tmp_path / "state")},
            "libraries": [
                {"immich_path": "/mnt/photos/", "local_path": str(tmp_path / "photos")},
                {"immich_path": "/usr/src/app/upload", "local_path": str(tmp_path / "photos")},
            ],
        }
    )
    async with open_runtime(settings):
        pass  # migrations
    conn = sqlite3.connect(settings.storage.db_path)
    with conn:
        conn.executemany(
            "INSERT INTO assets (id, owner_id, type, original_path, original_file_name,"
            " checksum, updated_at, sync_key, first_seen_op, seen_op, state)"
            " VALUES (?, 'me', 'IMAGE', ?, 'x.jpg', ?, '2026-01-01T00:00:00Z', 'default', 1, 1,"
            " ?)",
            [(f"a{n}", path, f"c{n}", state) for n, (path, state) in enumerate(PATHS.items())],
        )
    conn.close()
    async with open_runtime(settings) as rt:
        found = await rt.drift.unmapped()
    every = [p for p, state in PATHS.items() if state != "gone"]
    assert found == unmapped_folders(every, ["/mnt/photos/", "/usr/src/app/upload"])
    assert {(f.folder, f.assets) for f in found} == {
        ("/mnt", 2),
        ("/MNT/photos", 1),
        ("/data/upload/u", 1),
    }


async def test_the_answer_is_kept_until_the_mirror_or_the_mapping_changes(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()

    def settings_for(*immich_paths: str) -> Settings:
        return Settings.model_validate(
            {
                "storage": {"state_dir": str(tmp_path / "state")},
                "libraries": [
                    {"immich_path": p, "local_path": str(tmp_path / "photos")} for p in immich_paths
                ],
            }
        )

    settings = settings_for("/mnt/photos")
    async with open_runtime(settings):
        pass  # migrations
    db = settings.storage.db_path

    def write(sql: str, *params: object) -> None:
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(sql, params)
        conn.close()

    insert = (
        "INSERT INTO assets (id, owner_id, type, original_path, original_file_name, checksum,"
        " updated_at, sync_key, first_seen_op, seen_op, state) VALUES (?, 'me', 'IMAGE', ?,"
        " 'x.jpg', ?, '2026-01-01T00:00:00Z', 'default', 1, 1, 'present')"
    )
    write(insert, "a1", "/data/upload/u/a.jpg", "c1")
    async with open_runtime(settings) as rt:
        assert [(f.folder, f.assets) for f in await rt.drift.unmapped()] == [("/data/upload/u", 1)]
    # the kept answer is what a call with nothing changed returns: altered here, it shows
    write("UPDATE meta SET value = replace(value, '1]]', '7]]') WHERE key = 'drift.unmapped'")
    async with open_runtime(settings) as rt:
        assert [(f.folder, f.assets) for f in await rt.drift.unmapped()] == [("/data/upload/u", 7)]
    # an asset changed: read again
    write(insert, "a2", "/data/upload/u/b.jpg", "c2")
    async with open_runtime(settings) as rt:
        assert [(f.folder, f.assets) for f in await rt.drift.unmapped()] == [("/data/upload/u", 2)]
    # another mapping: read again
    async with open_runtime(settings_for("/mnt/photos", "/data/upload")) as rt:
        assert await rt.drift.unmapped() == []
    async with open_runtime(settings) as rt:
        assert [(f.folder, f.assets) for f in await rt.drift.unmapped()] == [("/data/upload/u", 2)]
    # a path moved into a mapped folder (an update, not an insert): read again
    write("UPDATE assets SET original_path = '/mnt/photos/b.jpg' WHERE id = 'a2'")
    async with open_runtime(settings) as rt:
        assert [(f.folder, f.assets) for f in await rt.drift.unmapped()] == [("/data/upload/u", 1)]
