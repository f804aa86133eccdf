"""Analysis of real photographs: groups, keepers, pairs, bursts, decisions, bad input."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

from sidecar.cli.dng import write_dng
from sidecar.engine.core.models import GroupDecision
from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.helpers.analysis import analyse, mapped_settings, names
from tests.helpers.killer import DecoderKiller


def member_ids(group: dict[str, Any]) -> set[str]:
    return {m["asset_id"] for m in group["members"]}


async def scan_sync_analyse(settings: Settings) -> tuple[Any, dict[str, Any]]:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        return summary, await analysis_report(rt.analysis)


async def test_sample_library(photos: Path, settings: Settings) -> None:
    result = await analyse(settings, photos)
    groups = {(g["tier"], frozenset(names(g))): g for g in result["duplicate_groups"]}
    assert set(groups) == {
        ("exact", frozenset({"astronaut.jpg"})),  # the backup copy (same name)
        ("exact", frozenset({"coffee.jpg", "café au lait (1).jpg"})),
        ("near", frozenset({"astronaut.jpg", "astronaut-small.jpg"})),
        ("near", frozenset({"chelsea.jpg", "chelsea.png"})),
        ("near", frozenset({"coffee.jpg", "IMG_2042.JPG"})),
    }
    backup = groups[("exact", frozenset({"astronaut.jpg"}))]
    assert backup["keeper"] == str(photos / "2019/Summer/astronaut.jpg")
    assert backup["reasons"][1] == (
        f"shorter path (1 folder fewer than {photos}/Backup/2019/Summer/astronaut.jpg)"
    )
    copy = groups[("exact", frozenset({"coffee.jpg", "café au lait (1).jpg"}))]
    assert copy["keeper"].endswith("/coffee.jpg")
    assert copy["reasons"][1] == (
        "named like the original (coffee.jpg); café au lait (1).jpg is a second download or "
        "upload of the same name (browsers, Windows), by the '(n)' name pattern"
    )
    small = groups[("near", frozenset({"astronaut.jpg", "astronaut-small.jpg"}))]
    assert small["keeper"] == str(photos / "2019/Summer/astronaut.jpg")
    assert small["reasons"][1].startswith("more pixels: ")
    assert small["reasons"][1].endswith(" (astronaut-small.jpg)")
    png = groups[("near", frozenset({"chelsea.jpg", "chelsea.png"}))]
    assert png["keeper"].endswith("chelsea.jpg")
    assert "camera's format" in png["reasons"][1]
    # distinct-but-similar shots (a stereo pair) are not duplicates
    assert not any("motorcycle_left.jpg" in names(g) for g in result["duplicate_groups"])
    kinds = {p["kind"]: p for p in result["pairs"]}
    assert set(kinds) == {"variant", "burst", "raw+jpeg"}
    assert kinds["raw+jpeg"]["primary"].endswith("IMG_3001.JPG")
    assert kinds["variant"]["primary"].endswith("chelsea_edited.jpg")
    assert len(kinds["burst"]["members"]) == 3
    for group in result["duplicate_groups"]:
        for member in group["members"]:
            assert member["asset_id"] is None  # local mode
            assert member["width"]
            assert member["height"]
            assert member["size"]


async def test_fingerprints_are_incremental_and_follow_content(
    photos: Path, settings: Settings
) -> None:
    first = await analyse(settings, photos)
    assert first["summary"]["fingerprinted"] == 18  # 20 photos, two exact copies
    (photos / "2021/Textures/brick.jpg").rename(photos / "brick-moved.jpg")
    again = await analyse(settings, photos)
    assert again["summary"]["fingerprinted"] == 0  # a moved file is never decoded again


async def test_not_duplicates_decision_survives_reanalysis(
    photos: Path, settings: Settings
) -> None:
    await analyse(settings, photos)
    a, b = str(photos / "2019/Summer/astronaut.jpg"), str(photos / "Exports/astronaut-small.jpg")
    async with open_runtime(settings) as rt:
        await rt.analysis.decide(
            GroupDecision.NOT_DUPLICATES, [a, b], note="the small one is a crop I want"
        )
        kept = [
            str(photos / "2019/Summer/coffee.jpg"),
            str(photos / "Odd names/café au lait (1).jpg"),
        ]
        await rt.analysis.decide(GroupDecision.KEEP_TOGETHER, kept)
    # re-encode the small one: a new content hash and a new fingerprint
    with Image.open(b) as img:
        img.save(b, quality=70)
    result = await analyse(settings, photos)
    sets = [names(g) for g in result["duplicate_groups"]]
    assert {"astronaut.jpg", "astronaut-small.jpg"} not in sets
    assert {"coffee.jpg", "café au lait (1).jpg"} not in sets
    assert {"astronaut.jpg"} in sets  # other groups are untouched


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid PNG header claiming huge dimensions (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


async def test_bad_input_is_recorded_and_the_run_goes_on(
    photos: Path, settings: Settings, tmp_path: Path
) -> None:
    bad = photos / "Broken"
    bad.mkdir()
    (bad / "empty.jpg").write_bytes(b"")
    good = (photos / "2020/Trip/rocket.jpg").read_bytes()
    (bad / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (bad / "garbage.jpg").write_bytes(b"this is not an image at all" * 40)
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buf, format="PNG")
    (bad / "really-a-png.jpg").write_bytes(buf.getvalue())
    (bad / "bomb.png").write_bytes(png_claiming(100_000, 100_000))
    (bad / "fake.cr2").write_bytes(b"II*\x00 not really a raw file" * 20)
    result = await analyse(settings, photos)
    assert result["summary"]["fingerprint_failures"] == 5
    async with open_runtime(settings) as rt:
        reasons = sorted(r for _, r in await rt.analysis.fingerprint_errors())
    raw_reason = next(r for r in reasons if r.startswith("cannot decode this RAW file"))
    assert reasons == sorted(
        [
            "empty file",
            "truncated image",
            "not a recognised image (corrupt, or wrong file extension)",
            "image dimensions too large (possible decompression bomb)",
            raw_reason,
        ]
    )
    # the mislabelled PNG was decoded by its content
    assert result["summary"]["media"] == 20 + 6


async def test_a_file_that_kills_the_decoder_is_marked_and_the_run_goes_on(
    photos: Path, settings: Settings
) -> None:
    """The worker holding the file dies, the pool is replaced, the chunk is retried one file
    at a time; the file dies again and is recorded; every other file is fingerprinted."""
    killer = photos / "killer.png"
    Image.linear_gradient("L").resize((9000, 9000)).save(killer)  # slow enough to be caught
    watcher = DecoderKiller(killer)
    task = asyncio.create_task(watcher.run())
    try:
        result = await analyse(settings, photos)
    finally:
        task.cancel()
    assert watcher.kills >= 2  # the pool's worker, then the single-file retry
    assert result["summary"]["fingerprinted"] == 19
    assert result["summary"]["fingerprint_failures"] == 1
    async with open_runtime(settings) as rt:
        errors = list(await rt.analysis.fingerprint_errors())
    assert [reason for _, reason in errors] == ["the image decoder crashed on this file"]
    again = await analyse(settings, photos)
    assert again["summary"]["fingerprinted"] == 0  # recorded: never retried forever


def test_report_json_contract(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    scan = cli("scan", str(photos), "--json", env=env)
    assert json.loads(scan.out)["analysis"]["exact_groups"] == 2
    res = cli("report", "--json", env=env)
    data = json.loads(res.out)
    group = data["duplicate_groups"][0]
    assert set(group) >= {"id", "tier", "members", "keeper", "reasons"}
    assert set(group["members"][0]) >= {
        "path",
        "asset_id",
        "size",
        "width",
        "height",
        "captured_at",
    }
    pair = data["pairs"][0]
    assert set(pair) >= {"id", "kind", "members", "primary", "reasons"}
    assert pair["kind"] in ("raw+jpeg", "variant", "burst")
    text = cli("report", env=env)
    assert "[exact] keep/primary:" in text.out


async def test_new_near_duplicate_found_incrementally(photos: Path, settings: Settings) -> None:
    await analyse(settings, photos)
    rocket = photos / "2020/Trip/rocket.jpg"
    with Image.open(rocket) as img:
        img.resize((img.width // 2, img.height // 2)).save(photos / "rocket-small.jpg", quality=85)
    result = await analyse(settings, photos)
    assert result["summary"]["fingerprinted"] == 1
    assert {"rocket.jpg", "rocket-small.jpg"} in [names(g) for g in result["duplicate_groups"]]
    async with open_runtime(settings) as rt:
        edges = await rt.analysis.edges()
    assert len(edges) >= 4  # kept between runs, extended by the new content only


async def test_a_slightly_cropped_copy_is_a_near_duplicate_and_says_so(
    photos: Path, settings: Settings
) -> None:
    """Whole frames of a 4%-per-side crop are too far apart for the strict defaults; a centre
    view of the original matches it, also when the crop arrives after the original was
    analysed (an incremental run compares the new frame with every stored view)."""
    await analyse(settings, photos)
    rocket = photos / "2020/Trip/rocket.jpg"
    with Image.open(rocket) as img:
        dx, dy = round(img.width * 0.04), round(img.height * 0.04)
        img.crop((dx, dy, img.width - dx, img.height - dy)).save(photos / "crop.jpg", quality=90)
    result = await analyse(settings, photos)
    assert result["summary"]["fingerprinted"] == 1
    group = next(g for g in result["duplicate_groups"] if "crop.jpg" in names(g))
    assert group["tier"] == "near"
    assert names(group) == {"rocket.jpg", "crop.jpg"}
    assert group["keeper"] == str(rocket)  # the larger original
    assert any("cropped by about" in r for r in group["reasons"])


async def test_fingerprints_made_before_centre_views_are_made_again_once(
    photos: Path, settings: Settings
) -> None:
    await analyse(settings, photos)
    async with open_runtime(settings) as rt, rt.db.transaction() as conn:
        await conn.execute("UPDATE fingerprints SET zoomed = NULL")
    again = await analyse(settings, photos)
    assert again["summary"]["fingerprinted"] == 18
    third = await analyse(settings, photos)
    assert third["summary"]["fingerprinted"] == 0
    async with open_runtime(settings) as rt:
        row = await rt.db.fetchone(
            "SELECT count(*), sum(length(zoomed)) FROM fingerprints WHERE error IS NULL"
        )
    assert row is not None
    assert row[1] == row[0] * 32  # two views, (pHash, dHash) each, 8 bytes a hash
    # fingerprints made before EXIF Software was read: made again once as well
    async with open_runtime(settings) as rt, rt.db.transaction() as conn:
        await conn.execute("UPDATE fingerprints SET exif_read = NULL, software = NULL")
    assert (await analyse(settings, photos))["summary"]["fingerprinted"] == 18
    assert (await analyse(settings, photos))["summary"]["fingerprinted"] == 0


async def test_raw_and_jpeg_pair_from_a_real_dng(photos: Path, settings: Settings) -> None:
    shoot = photos / "Shoot"
    shoot.mkdir()
    with Image.open(photos / "2020/Trip/rocket.jpg") as img:
        dng = write_dng(img, shoot / "IMG_7001.dng")
        img.save(shoot / "IMG_7001.JPG", quality=92)
    result = await analyse(settings, photos)
    raw_pairs = [
        p
        for p in result["pairs"]
        if p["kind"] == "raw+jpeg" and p["primary"].endswith("IMG_7001.JPG")
    ]
    assert len(raw_pairs) == 1
    assert {m["path"] for m in raw_pairs[0]["members"]} == {str(dng), str(shoot / "IMG_7001.JPG")}
    assert raw_pairs[0]["primary"] == str(shoot / "IMG_7001.JPG")
    # the JPEG's twin elsewhere is a duplicate of it, but the RAW never is
    for group in result["duplicate_groups"]:
        assert str(dng) not in {m["path"] for m in group["members"]}
    async with open_runtime(settings) as rt:
        row = await rt.db.fetchone(
            "SELECT p.source, p.width FROM fingerprints p JOIN files f"
            " ON f.content_hash = p.content_hash WHERE f.name = 'IMG_7001.dng'"
        )
    assert row is not None
    assert row[0] in ("raw-preview", "raw-half")
    assert row[1] == 640


def test_eval_on_the_labelled_corpus(cli: Any, tmp_path: Path) -> None:
    args = ("--videos", "1", "--video-size", "320x180")  # one small family of clips
    res = cli("eval", "--dir", str(tmp_path / "eval"), *args, "--json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert (data["exact"]["precision"], data["exact"]["recall"]) == (1.0, 1.0)
    assert (data["raw+jpeg"]["precision"], data["raw+jpeg"]["recall"]) == (1.0, 1.0)
    assert data["near"]["precision"] >= 0.99  # strict by default: precision first
    assert data["near"]["recall"] >= 0.95  # crops via centre and one-sided views
    variants = data["near_by_variant"]
    assert {"crop-side", "messenger-320", "brightness", "contrast"} <= set(variants)
    assert variants["crop-side"]["recall"] >= 0.9  # confirmed by small thumbnails
    assert data["decoys_paired"] == 0
    assert data["burst_frames_reported_as_duplicates"] == 0
    assert data["similar_grouped"] == 0  # the stereo pair, the textures
    assert data["bursts_found"] == "1/1"
    assert data["keeper"]["groups"] >= 12
    assert data["keeper"]["accuracy"] >= 0.95, data["keeper"]["wrong"]
    videos = data["videos"]
    assert videos["clips"] == 10
    assert videos["duplicates"]["labelled"] == 10  # the original and four re-encodes
    assert videos["duplicates"]["precision"] == 1.0
    assert videos["duplicates"]["recall"] >= 0.9, videos["duplicates"]["missed"]
    assert videos["trims_found"] == "1/1"
    assert videos["wrong_variants"] == []
    assert videos["unrelated_grouped"] == 0
    assert videos["keeper"]["groups"] == 1
    assert videos["keeper"]["accuracy"] == 1.0, videos["keeper"]["wrong"]  # the camera's


async def test_with_immich_members_are_assets_and_immich_groups_are_a_third_tier(
    immich_v2: Any, photos: Path, state_dir: Path
) -> None:
    import uuid

    fake = immich_v2
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    library = fake.state.add_library(user, "/mnt/photos/family")
    assets = {}
    for path in sorted(photos.rglob("*.jpg")):
        if "@eaDir" in path.parts:
            continue
        rel = path.relative_to(photos)
        assets[str(rel)] = fake.state.import_file(library, f"/mnt/photos/family/{rel}")
    group_id = str(uuid.uuid4())
    for rel in ("2020/Trip/motorcycle_left.jpg", "2020/Trip/motorcycle_right.jpg"):
        fake.state.edit(assets[rel].id, duplicate_id=group_id)
    settings = mapped_settings(fake.url, key, photos, state_dir)
    summary, report = await scan_sync_analyse(settings)
    assert summary.semantic_groups == 1
    backup = next(
        g
        for g in report["duplicate_groups"]
        if g["tier"] == "exact" and names(g) == {"astronaut.jpg"}
    )
    assert {m["asset_id"] for m in backup["members"]} == {
        assets["2019/Summer/astronaut.jpg"].id,
        assets["Backup/2019/Summer/astronaut.jpg"].id,
    }
    assert backup["keeper_asset_id"] == assets["2019/Summer/astronaut.jpg"].id
    semantic = next(g for g in report["duplicate_groups"] if g["tier"] == "semantic")
    assert names(semantic) == {"motorcycle_left.jpg", "motorcycle_right.jpg"}
    assert semantic["reasons"][0].startswith("Immich's own duplicate detection (review only")
    assert all(m["path"].startswith(str(photos)) for m in semantic["members"])


async def test_assets_without_a_local_file_are_fingerprinted_from_immich_thumbnails(
    immich_v2: Any, photos: Path, state_dir: Path
) -> None:
    fake = immich_v2
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    mounted = fake.state.add_library(user, "/mnt/photos/family")
    for rel in ("2019/Summer/astronaut.jpg", "2020/Trip/rocket.jpg"):
        fake.state.import_file(mounted, f"/mnt/photos/family/{rel}")
    elsewhere = fake.state.add_library(user, "/mnt/archive")  # not mounted in the sidecar
    remote = fake.state.import_file(
        elsewhere, "/mnt/archive/old/astronaut-print.jpg", width=256, height=256, file_size=40_000
    )
    video = fake.state.import_file(elsewhere, "/mnt/archive/clip.mp4", type="VIDEO")
    no_thumb = fake.state.import_file(elsewhere, "/mnt/archive/broken.jpg")
    buf = io.BytesIO()
    with Image.open(photos / "2019/Summer/astronaut.jpg") as img:
        img.resize((250, 250)).save(buf, format="JPEG", quality=80)
    fake.state.thumbnails[remote.id] = buf.getvalue()
    buf = io.BytesIO()
    with Image.open(photos / "2020/Trip/motorcycle_left.jpg") as img:
        img.resize((250, 169)).save(buf, format="JPEG", quality=80)
    fake.state.thumbnails[video.id] = buf.getvalue()
    settings = mapped_settings(fake.url, key, photos, state_dir)
    summary, report = await scan_sync_analyse(settings)
    async with open_runtime(settings) as rt:
        reasons = [r for _, r in await rt.analysis.fingerprint_errors()]
    assert summary.remote_error is None
    assert summary.remote_pending == 1  # no thumbnail yet: not a failure, tried again later
    assert reasons == []
    near = [g for g in report["duplicate_groups"] if g["tier"] == "near"]
    assert any({m["asset_id"] for m in g["members"]} >= {remote.id} for g in near)
    group = next(g for g in near if remote.id in {m["asset_id"] for m in g["members"]})
    assert names(group) == {"astronaut.jpg", "astronaut-print.jpg"}
    assert group["keeper"] == str(photos / "2019/Summer/astronaut.jpg")
    assert no_thumb.id not in {m["asset_id"] for g in near for m in g["members"]}
    async with open_runtime(settings) as rt:
        again = await rt.analyze.analyze()
    assert again.fingerprinted == 0  # thumbnails are fetched once
    assert again.remote_pending == 1  # asked for again
    # its part only: a thumbnail Immich never makes must not make every run a full regroup
    assert (again.regrouped_all, again.unchanged_since) == (False, None)
    fake.state.thumbnails[no_thumb.id] = fake.state.thumbnails[remote.id]  # Immich made it
    async with open_runtime(settings) as rt:
        later = await rt.analyze.analyze()
        after = await analysis_report(rt.analysis)
        last = await rt.analyze.analyze()
    assert (later.fingerprinted, later.remote_pending, later.regrouped_all) == (1, 0, False)
    group = next(g for g in after["duplicate_groups"] if remote.id in member_ids(g))
    assert no_thumb.id in member_ids(group)  # (its thumbnail: the same picture)
    assert last.unchanged_since == later.op_id  # nothing left to ask for


def test_decide_from_the_command_line(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    cli("scan", str(photos), "--json", env=env)
    small, big = photos / "Exports/astronaut-small.jpg", photos / "2019/Summer/astronaut.jpg"
    res = cli("decide", "not-duplicates", str(small), str(big), "--note", "a crop", env=env)
    assert res.code == 0
    assert "Recorded: not-duplicates for 2 members" in res.out
    cli("analyze", "--json", env=env)
    data = json.loads(cli("report", "--json", env=env).out)
    assert {str(small), str(big)} not in [
        {m["path"] for m in g["members"]} for g in data["duplicate_groups"]
    ]
    assert cli("decide", "keep-together", str(small), env=env).code == 2


def test_analyze_says_what_it_could_not_read_from_immich(
    immich_v2: FakeImmich, cli: Any, photos: Path, state_dir: Path
) -> None:
    """A wrong key: the local analysis goes on, the summary says what Immich did not give,
    and the exit code is 1."""
    env = {
        "IMMICH_URL": immich_v2.url,
        "IMMICH_API_KEY": "wrong",
        "IMMICH_SIDECAR_STATE_DIR": str(state_dir),
    }
    assert cli("scan", "--no-analyze", str(photos), env=env).code == 0
    res = cli("analyze", env=env)
    assert res.code == 1
    lines = [line for line in res.out.splitlines() if "not read from Immich" in line]
    assert len(lines) == 2  # albums and tags, and Immich's own duplicate groups
    assert all("rejected the API key" in line for line in lines)
    assert "Duplicate groups:" in res.out  # the local analysis went on
