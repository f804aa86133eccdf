"""A small library of real pictures for the partial-regroup tests: folders with exact and near
copies, RAW+JPEG pairs, bursts (timed, and tagged across folders), edits made to it at random,
and the stored groups and pairs in a canonical form to compare two analyses by."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from PIL import Image, ImageEnhance

from sidecar.engine.core.models import GroupDecision, PairDecision
from sidecar.engine.services.analyze.service import AnalysisReport
from sidecar.runtime import Runtime

TAG = "BURST20230101120000"


def picture(rng: random.Random) -> Image.Image:
    """A small picture of smooth random shapes (another for every draw: far apart as
    perceptual hashes)."""
    small = Image.new("RGB", (6, 4))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(24)])
    return small.resize((96, 64), Image.Resampling.BICUBIC)


def exif(second: int, make: str = "Canon", model: str = "EOS 80D") -> Image.Exif:
    out = Image.Exif()
    out[0x010F], out[0x0110] = make, model
    out.get_ifd(0x8769)[0x9003] = f"2023:01:01 12:00:{second:02d}"
    return out


def near_copy(source: Path, target: Path) -> None:
    """The same picture a little brighter (another content, hashes a few bits apart)."""
    with Image.open(source) as img:
        ImageEnhance.Brightness(img.convert("RGB")).enhance(1.04).save(target, quality=80)


def build(root: Path, rng: random.Random) -> None:
    """Folders a-d (edited later) and `still` (never edited: its groups keep their ids)."""
    for folder in ("a", "b", "c", "d", "still"):
        (root / folder).mkdir(parents=True)
    for i in range(6):
        picture(rng).save(root / "a" / f"P{i}.jpg", quality=90)
    shutil.copy2(root / "a" / "P0.jpg", root / "b" / "P0 copy.jpg")
    shutil.copy2(root / "a" / "P1.jpg", root / "c" / "P1.jpg")
    near_copy(root / "a" / "P2.jpg", root / "b" / "P2 bright.jpg")
    near_copy(root / "a" / "P3.jpg", root / "c" / "P3 bright.jpg")
    shutil.copy2(root / "c" / "P3 bright.jpg", root / "d" / "P3 bright.jpg")
    for i in range(2):  # RAW+JPEG: the RAW is not a picture this process can decode
        picture(rng).save(root / "b" / f"IMG_{i:04d}.jpg", exif=exif(10 + i * 20), quality=90)
        (root / "b" / f"IMG_{i:04d}.dng").write_bytes(b"raw " * 64 + bytes([i]))
    for i in range(3):  # a timed burst
        picture(rng).save(root / "c" / f"DSC_{i:04d}.jpg", exif=exif(30 + i), quality=90)
    for folder, i in (("c", 1), ("d", 2)):  # one tagged burst in two folders
        picture(rng).save(root / folder / f"IMG_{i}_{TAG}.jpg", quality=90)
    picture(rng).save(root / "still" / "S0.jpg", quality=90)
    shutil.copy2(root / "still" / "S0.jpg", root / "still" / "S0 copy.jpg")
    near_copy(root / "still" / "S0.jpg", root / "still" / "K.jpg")


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "still" not in p.parts)


def edit_files(root: Path, rng: random.Random) -> str:
    """One random change on disk outside `still`; says which."""
    present = files(root)
    jpegs = [p for p in present if p.suffix == ".jpg"]
    folder = root / rng.choice("abcd")
    choice = rng.choice(["add", "copy", "near", "remove", "change", "move"])
    if choice == "add":
        picture(rng).save(folder / f"N{rng.randrange(10**6)}.jpg", quality=90)
    elif choice == "copy":
        shutil.copy2(rng.choice(jpegs), folder / f"C{rng.randrange(10**6)}.jpg")
    elif choice == "near":
        near_copy(rng.choice(jpegs), folder / f"B{rng.randrange(10**6)}.jpg")
    elif choice == "remove" and present:
        rng.choice(present).unlink()
    elif choice == "change" and jpegs:
        target = rng.choice(jpegs)
        source = rng.choice(jpegs)
        if source != target and rng.random() < 0.5:
            near_copy(source, target)
        else:
            picture(rng).save(target, quality=90)
    elif choice == "move" and jpegs:
        target = rng.choice(jpegs)
        target.rename(folder / f"M{rng.randrange(10**6)}{target.suffix}")
    return choice


def results(db: Path) -> dict[str, Any]:
    """The stored groups and pairs, canonical (no ids, no analysis ids), and the group ids
    of each."""
    conn = sqlite3.connect(db)
    try:
        members: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
        for table, column, kind in (
            ("dup_members", "group_id", "g"),
            ("pair_members", "pair_id", "p"),
        ):
            for row in conn.execute(
                f"SELECT {column}, member, path, asset_id, size, width, height, captured_at"
                f" FROM {table}"
            ):
                members.setdefault((kind, row[0]), []).append(tuple(row[1:]))
        groups = {
            r[0]: (r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], sorted(members[("g", r[0])]))
            for r in conn.execute(
                "SELECT id, tier, owner, keeper, reasons, distance, reclaim FROM dup_groups"
            )
        }
        pairs = [
            (r[1], r[2], r[3], json.loads(r[4]), sorted(members[("p", r[0])]))
            for r in conn.execute("SELECT id, kind, owner, primary_member, reasons FROM pairs")
        ]
    finally:
        conn.close()
    return {
        "groups": sorted(map(repr, groups.values())),
        "pairs": sorted(map(repr, pairs)),
        "ids": {repr(v): k for k, v in groups.items()},
    }


def copy_without_basis(db: Path, target: Path) -> None:
    """A copy of the inventory whose next analysis regroups everything."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(db)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        with copy:
            copy.execute("DELETE FROM meta WHERE key = 'analysis.basis'")
    finally:
        source.close()
        copy.close()


async def edit_decisions(rt: Runtime, rng: random.Random) -> str:
    """Make or take back a decision about a stored group or pair (not those of `still`)."""
    groups = [g for g in await rt.analysis.groups() if "/still/" not in g.members[0].path]
    pairs = await rt.analysis.pairs()
    decided = await rt.analysis.decisions()
    choice = rng.choice(["not", "keep", "undo", "pair"])
    if choice == "undo" and decided:
        kind, keys = rng.choice(decided)
        await rt.analysis.undecide(kind, keys)
    elif choice == "pair" and pairs:
        pair = rng.choice(pairs)
        keys = [m.key for m in pair.members]
        if frozenset(keys) in await rt.analysis.pair_decisions():
            await rt.analysis.undecide_pair(keys)
        else:
            await rt.analysis.decide_pair(keys, PairDecision.REJECT, None)
    elif groups:
        group = rng.choice(groups)
        keys = [m.key for m in group.members][:2]
        kind = GroupDecision.NOT_DUPLICATES if choice == "not" else GroupDecision.KEEP_TOGETHER
        await rt.analysis.decide(kind, keys)
    return choice


def figures(report: AnalysisReport) -> tuple[object, ...]:
    return (
        report.media,
        report.exact_groups,
        report.near_groups,
        report.pairs,
        report.reclaimable_bytes,
    )
