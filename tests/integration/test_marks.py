"""What a person marked in Immich (albums, favourites, ratings, descriptions, tags) reaches the
keeper rules: albums read incrementally and tags per root tag through the test Immich, in every
dialect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sidecar.engine.core.models import Marks
from sidecar.engine.services.analyze.album_marks import sync_albums
from sidecar.engine.services.analyze.tag_marks import sync_tags
from sidecar.engine.services.report import analysis_report
from sidecar.engine.store.marks import MarkStore
from sidecar.immich_client import ImmichClient
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich
from tests.helpers.analysis import mapped_settings, names
from tests.helpers.settings import make_settings


async def test_albums_are_read_only_when_they_changed_and_shared_albums_count(
    immich: FakeImmich, state_dir: Path
) -> None:
    state = immich.state
    anna, ben = state.add_user("Anna"), state.add_user("Ben", is_admin=False)
    key = state.add_key(anna)
    a1, a2, a3 = (state.add_upload(anna, f"photo {i}".encode()) for i in range(3))
    b1 = state.add_upload(ben, b"ben's photo")
    holidays = state.create_album(anna.id, "Holidays 2019", [a1.id])
    # write-back's review album holds every member of a group: no person's mark
    state.create_album(anna.id, "Duplicates to review", [a1.id, a3.id])
    state.create_album(ben.id, "Family", [b1.id], shared_with=[anna.id])
    state.add_to_album(next(iter(a for a in state.albums.values() if a.name == "Family")).id, a2.id)
    settings = make_settings(state_dir, immich={"url": immich.url, "api_key": key})
    async with open_runtime(settings) as rt:
        await rt.sync.sync()
        store = MarkStore(rt.db)

        async def read() -> int:
            async with ImmichClient.connect(immich.url, key) as client:
                result = await sync_albums(client, store, "default", False, "Duplicates to review")
                return result.read

        assert await read() == 2
        marks = await store.marks()
        assert marks[a1.id].albums == ("Holidays 2019",)
        assert marks[a2.id].albums == ("Family",)  # Ben's album, shared with Anna
        assert a3.id not in marks
        assert await read() == 0  # nothing changed: two listings, no album read
        state.add_to_album(holidays.id, a3.id)
        assert await read() == 1
        assert (await store.marks())[a3.id].albums == ("Holidays 2019",)
        state.remove_from_album(holidays.id, a1.id)  # updatedAt stays, assetCount moves
        assert await read() == 1
        assert a1.id not in await store.marks()
        del state.albums[holidays.id]
        assert await read() == 0
        assert set(await store.marks()) == {a2.id}


async def test_root_tags_count_with_their_children_and_the_sidecars_own_do_not(
    immich: FakeImmich, state_dir: Path
) -> None:
    state = immich.state
    anna, ben = state.add_user("Anna"), state.add_user("Ben", is_admin=False)
    key = state.add_key(anna)
    a1, a2, a3, a4 = (state.add_upload(anna, f"photo {i}".encode()) for i in range(4))
    state.upsert_tag(anna.id, "Family").asset_ids.add(a1.id)
    state.upsert_tag(anna.id, "Family/Kids/Tom").asset_ids.add(a2.id)  # counts as 'Family'
    state.upsert_tag(anna.id, "Trips").asset_ids.update({a2.id, a3.id})
    # write-back's own tags are on every member of a group: no person's mark
    state.upsert_tag(anna.id, "immich-sidecar/duplicate/exact").asset_ids.add(a4.id)
    state.upsert_tag(ben.id, "Ben's").asset_ids.add(a4.id)  # another user's tag: not seen
    settings = make_settings(state_dir, immich={"url": immich.url, "api_key": key})
    async with open_runtime(settings) as rt:
        await rt.sync.sync()
        store = MarkStore(rt.db)

        async def read() -> tuple[int, int]:
            async with ImmichClient.connect(immich.url, key) as client:
                result = await sync_tags(client, store, "default", "immich-sidecar")
                return result.tags, result.dropped

        assert await read() == (2, 0)
        marks = await store.marks()
        assert {a: m.tags for a, m in marks.items()} == {
            a1.id: ("Family",),
            a2.id: ("Family", "Trips"),
            a3.id: ("Trips",),
        }
        assert await read() == (2, 0)  # read again every time, nothing doubled
        assert (await store.marks())[a2.id] == Marks(tags=("Family", "Trips"))
        trips = next(t for t in state.tags.values() if t.value == "Trips")
        state.delete_tag(trips.id)
        assert await read() == (1, 1)
        assert {a: m.tags for a, m in (await store.marks()).items()} == {
            a1.id: ("Family",),
            a2.id: ("Family",),
        }


async def test_favourite_rating_and_description_come_from_the_mirror(
    immich: FakeImmich, state_dir: Path
) -> None:
    state = immich.state
    user = state.add_user()
    key = state.add_key(user)
    fav = state.add_upload(user, b"fav", is_favorite=True)
    described = state.add_upload(user, b"described", description="Grandma's 90th")
    state.add_upload(user, b"plain")
    settings = make_settings(state_dir, immich={"url": immich.url, "api_key": key})
    async with open_runtime(settings) as rt:
        await rt.sync.sync()
        marks = await MarkStore(rt.db).marks()
    assert marks == {
        fav.id: Marks(favorite=True),
        described.id: Marks(description="Grandma's 90th"),
    }


async def test_the_member_a_person_marked_is_kept_and_the_reason_says_so(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    state = immich_v2.state
    user = state.add_user()
    key = state.add_key(user)
    library = state.add_library(user, "/mnt/photos/family")
    assets: dict[str, Any] = {}
    for path in sorted(photos.rglob("*")):
        if path.suffix in (".jpg", ".png") and "@eaDir" not in path.parts:
            rel = str(path.relative_to(photos))
            assets[rel] = state.import_file(library, f"/mnt/photos/family/{rel}")
    small = next(r for r in assets if r.endswith("astronaut-small.jpg"))
    png = next(r for r in assets if r.endswith("chelsea.png"))
    state.create_album(user.id, "Holidays 2019", [assets[small].id])
    state.edit(assets[png].id, is_favorite=True)
    settings = mapped_settings(immich_v2.url, key, photos, state_dir)
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
    assert summary.albums_read == 1
    near = {frozenset(names(g)): g for g in report["duplicate_groups"] if g["tier"] == "near"}
    in_album = near[frozenset({"astronaut.jpg", "astronaut-small.jpg"})]
    assert in_album["keeper_asset_id"] == assets[small].id
    assert in_album["reasons"][1] == "in album 'Holidays 2019' (astronaut.jpg in none)"
    favourite = near[frozenset({"chelsea.jpg", "chelsea.png"})]
    assert favourite["keeper_asset_id"] == assets[png].id
    assert favourite["reasons"][1] == "a favourite (chelsea.jpg is not)"


async def test_a_person_tag_makes_the_keeper_until_the_tag_is_deleted(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    state = immich_v2.state
    user = state.add_user()
    key = state.add_key(user)
    library = state.add_library(user, "/mnt/photos/family")
    assets: dict[str, Any] = {}
    for path in sorted(photos.rglob("*")):
        if path.suffix in (".jpg", ".png") and "@eaDir" not in path.parts:
            rel = str(path.relative_to(photos))
            assets[rel] = state.import_file(library, f"/mnt/photos/family/{rel}")
    small = next(r for r in assets if r.endswith("astronaut-small.jpg"))
    png = next(r for r in assets if r.endswith("chelsea.png"))
    family = state.upsert_tag(user.id, "Family")
    state.upsert_tag(user.id, "Family/Space").asset_ids.add(assets[small].id)
    # the sidecar's own tag on the PNG is no mark: the JPEG stays the keeper
    state.upsert_tag(user.id, "immich-sidecar/duplicate/near").asset_ids.add(assets[png].id)
    settings = mapped_settings(immich_v2.url, key, photos, state_dir)

    async def near_groups(rt: Any) -> dict[frozenset[str], Any]:
        await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
        return {frozenset(names(g)): g for g in report["duplicate_groups"] if g["tier"] == "near"}

    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        assert summary.tags_read == 1
        near = await near_groups(rt)
        tagged = near[frozenset({"astronaut.jpg", "astronaut-small.jpg"})]
        assert tagged["keeper_asset_id"] == assets[small].id
        assert tagged["reasons"][1] == "tagged 'Family' in Immich (astronaut.jpg has no tag)"
        chelsea = near[frozenset({"chelsea.jpg", "chelsea.png"})]
        assert chelsea["keeper_asset_id"] != assets[png].id
        state.delete_tag(family.id)  # the child goes with it
        near = await near_groups(rt)
    untagged = near[frozenset({"astronaut.jpg", "astronaut-small.jpg"})]
    assert untagged["keeper_asset_id"] != assets[small].id
    assert not any("tagged" in r for r in untagged["reasons"])


async def test_eval_corpus_keepers_with_marks_set_through_the_test_immich(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    """The eval corpus as an external library: members a person marked in Immich (an edit in
    an album, a messenger copy as a favourite, a rewrite with a description) are kept in the
    groups they belong to, and the keeper is right in >= 95% of all groups."""
    from sidecar.cli.corpus import build_corpus
    from sidecar.cli.evaluate import KEEPER_TARGET, keeper_accuracy

    corpus = tmp_path / "corpus"
    labels = build_corpus(corpus)
    state = immich_v2.state
    user = state.add_user()
    key = state.add_key(user)
    library = state.add_library(user, "/mnt/photos/family")
    ids: dict[str, str] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        rel = str(path.relative_to(corpus))
        ids[rel] = state.import_file(library, f"/mnt/photos/family/{rel}").id
    edit = "edits/astronaut_edit.jpg"
    whatsapp = next(r for r in ids if r.startswith("whatsapp/") and r.endswith("WA0002.jpg"))
    rewrite = "archive/coffee_meta.jpg"
    state.create_album(user.id, "Best of 2022", [ids[edit]])
    state.edit(ids[whatsapp], is_favorite=True)
    state.edit(ids[rewrite], description="Grandpa's coffee cup")
    marked = [(frozenset({m}), frozenset({m})) for m in (edit, whatsapp, rewrite)]
    settings = mapped_settings(immich_v2.url, key, corpus, tmp_path / "state")
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
    root = str(corpus)

    def rel(path: str | None) -> str:
        return (path or "").removeprefix(root).lstrip("/")

    groups = report["duplicate_groups"]
    kept = {rel(g["keeper"]): g for g in groups}

    def says(member: str, start: str) -> bool:
        return any(r.startswith(start) for r in kept[member]["reasons"])

    assert says(edit, "in album 'Best of 2022' (")
    assert says(whatsapp, "a favourite (")
    assert says(rewrite, "has a description ('Grandpa's coffee cup'; ")
    result = keeper_accuracy(groups, [*marked, *labels.keepers], rel)
    assert result["groups"] >= 12
    assert result["accuracy"] >= KEEPER_TARGET, result["wrong"]


async def test_an_asset_whose_file_is_not_here_beside_local_files_of_one_camera(
    immich_v2: FakeImmich, photos: Path, state_dir: Path
) -> None:
    """Its capture time comes from Immich (with a zone), theirs from EXIF (without): the
    analysis compares them instead of failing."""
    state = immich_v2.state
    user = state.add_user()
    key = state.add_key(user)
    library = state.add_library(user, "/mnt/photos/family")
    for path in sorted(photos.rglob("*.jpg")):
        state.import_file(library, f"/mnt/photos/family/{path.relative_to(photos)}")
    state.import_file(library, "/mnt/photos/family/2019/Summer/not_mounted_here.jpg")
    settings = mapped_settings(immich_v2.url, key, photos, state_dir)
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
    assert summary.media > 0
    assert report["duplicate_groups"]  # the local groups are still found
