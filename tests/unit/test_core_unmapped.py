"""Immich paths no library maps, grouped by their top folder."""

from __future__ import annotations

from sidecar.engine.core.unmapped import UnmappedFolder, unmapped_folders


def test_unmapped_paths_are_grouped_by_their_top_folder() -> None:
    paths = [
        "/data/library/admin/2020/a.jpg",
        "/data/upload/u1/ab/b.jpg",
        "/data/library/admin/2021/c.jpg",
        "/mnt/photos/family/x.jpg",
        "/usr/src/app/upload/library/admin/d.jpg",
    ]
    assert unmapped_folders(paths, ["/usr/src/app/upload/", "/mnt/photos"]) == [
        UnmappedFolder("/data", 3)
    ]
    assert unmapped_folders(paths[:1] + paths[2:3], []) == [
        UnmappedFolder("/data/library/admin", 2)
    ]
    assert unmapped_folders(paths[:3], ["/data"]) == []
