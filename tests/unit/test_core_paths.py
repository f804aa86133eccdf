"""Which media root holds a path Immich reports, on plain data."""

from __future__ import annotations

from dataclasses import dataclass

from sidecar.engine.core.paths import locate


@dataclass(frozen=True)
class Root:
    immich_path: str | None
    name: str


UPLOAD = Root("/usr/src/app/upload", "upload")
ANNA = Root("/usr/src/app/upload/library/anna", "anna")
NAS = Root("/mnt/nas/photos/", "nas")
DISK_ONLY = Root(None, "disk only")
ROOTS = [UPLOAD, ANNA, NAS, DISK_ONLY]


def test_the_longest_prefix_wins_whatever_the_order() -> None:
    for roots in (ROOTS, ROOTS[::-1]):
        assert locate(roots, "/usr/src/app/upload/library/anna/2020/a.jpg") == (
            ANNA,
            "2020/a.jpg",
        )
        assert locate(roots, "/usr/src/app/upload/upload/u1/x.jpg") == (UPLOAD, "upload/u1/x.jpg")


def test_a_prefix_holds_whole_folder_names_only() -> None:
    assert locate(ROOTS, "/mnt/nas/photos/a b/c.jpg") == (NAS, "a b/c.jpg")
    assert locate(ROOTS, "/mnt/nas/photos2/c.jpg") is None
    assert locate(ROOTS, "/usr/src/app/uploads/x.jpg") is None


def test_the_root_itself_and_extra_slashes() -> None:
    assert locate(ROOTS, "/mnt/nas/photos") == (NAS, "")
    assert locate(ROOTS, "/mnt/nas/photos/") == (NAS, "")
    assert locate(ROOTS, "/mnt/nas/photos//a.jpg") == (NAS, "a.jpg")


def test_roots_immich_does_not_see_and_no_roots_hold_nothing() -> None:
    assert locate(ROOTS, "/disk only/a.jpg") is None
    assert locate([], "/usr/src/app/upload/a.jpg") is None
