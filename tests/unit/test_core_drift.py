"""Drift rules, directly: moves found by their signature, uploads linked by content, folders that
cannot be checked."""

from __future__ import annotations

from typing import Any

from sidecar.engine.core.drift import AssetView, FileView, compute_drift, content_checksum_hex


def view(id_: str, path: str, **kw: Any) -> AssetView:
    base: dict[str, Any] = {
        "owner_id": "u",
        "checksum": "x",
        "is_library": True,
        "trashed": False,
        "offline": False,
    }
    return AssetView(id=id_, local_path=path, **{**base, **kw})


def test_a_move_made_before_the_first_scan_is_found_by_its_signature() -> None:
    sig = (2_345_678, "2021-03-01T10:00:00+00:00", "Canon", "EOS 80D")
    assets = [
        view("old", "/p/a/x.jpg", trashed=True, offline=True, signature=sig),
        view("new", "/p/b/x.jpg", signature=sig),
        view("other", "/p/b/y.jpg", signature=(1, "2021-03-01T10:00:00+00:00", "", "")),
    ]
    files = [FileView("/p/b/x.jpg", "h1", "sha1", True, "image")]
    report = compute_drift(assets, files, [], ["/p"])
    assert [(m.old_asset_id, m.new_asset_id, m.evidence) for m in report.reimported_moves] == [
        ("old", "new", "same size, capture time and camera")
    ]
    # ambiguous signatures are not guessed
    twin = view("twin", "/p/c/x.jpg", signature=sig)
    assert compute_drift([*assets, twin], files, [], ["/p"]).reimported_moves == []


def test_uploads_link_to_disk_files_by_content() -> None:
    # Immich's checksum of an upload is base64 SHA-1 of the content, our scan's is hex
    assert content_checksum_hex("x/E1dDuDb5QX9ogt8V5fW6jJ8zE=") == (
        "c7f135743b836f9417f6882df15e5f5ba8c9f331"
    )
    upload = view(
        "u1",
        "/upload/library/admin/a.jpg",
        is_library=False,
        checksum="x/E1dDuDb5QX9ogt8V5fW6jJ8zE=",
    )
    files = [
        FileView(
            "/upload/elsewhere/copy.jpg",
            "c7f135743b836f9417f6882df15e5f5ba8c9f331",
            "sha1",
            True,
            "image",
        )
    ]
    assert compute_drift([upload], files, [], ["/upload"]).not_in_immich == []
    # the only upload with that content is in Immich's trash
    binned = view(
        "u1",
        "/upload/library/admin/a.jpg",
        is_library=False,
        trashed=True,
        checksum="x/E1dDuDb5QX9ogt8V5fW6jJ8zE=",
    )
    report = compute_drift([binned], files, [], ["/upload"])
    assert report.not_in_immich == []
    assert [(t.path, t.asset_ids) for t in report.in_immich_trash] == [
        ("/upload/elsewhere/copy.jpg", ["u1"])
    ]
    assert content_checksum_hex("not base64!") is None


def test_an_imported_folder_with_no_files_recorded_is_not_checked() -> None:
    """An unmounted volume (or one never scanned) must not make its assets look missing."""
    assets = [view("a", "/mnt/photos/x.jpg"), view("b", "/mnt/archive/y.jpg")]
    files = [FileView("/mnt/photos/x.jpg", "h1", "sha1", True, "image")]
    report = compute_drift(assets, files, [], ["/mnt/photos", "/mnt/archive"])
    assert report.missing_on_disk == []
    assert report.not_checked == ["/mnt/archive"]
    gone = [
        FileView("/mnt/photos/x.jpg", "h1", "sha1", False, "image"),
        FileView("/mnt/photos/z.jpg", "h2", "sha1", True, "image"),
    ]
    report = compute_drift(assets, gone, [], ["/mnt/photos", "/mnt/archive"])
    assert [m.asset_id for m in report.missing_on_disk] == ["a"]  # checked: really missing
