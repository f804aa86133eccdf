"""What one fingerprint costs per kind of file, against the bare decode it cannot beat, both
measured in the same run (one core; per file the fastest of --rounds rounds, the jobs
interleaved file by file: on a shared machine the other load only adds time).

1. HEIC: a 12 MP (4032x3024) photo written with pillow-heif with a 320x240 thumbnail (as
   Apple's phones embed) and without one: ours through the thumbnail vs ours through a full
   decode, and the bare full decode `Image.open(p).load()`. Target: < 60 ms with a thumbnail.
2. JPEG: --photos 12 MP JPEGs (bench_analysis'): ours vs a bare draft decode (the luminance at
   1/8 scale, what ours decodes). Target: ours within 1.2x of the bare draft decode.
3. DNG: a 12 MP 12-bit Bayer DNG written with pidng (no embedded preview: the half-size
   demosaic path), and the same with an embedded 1600x1200 JPEG preview written with
   tifffile (tests.helpers.raw_files; the path real cameras' DNGs take), vs rawpy's bare
   `extract_thumb` and a draft decode of that preview. Nothing here can write CR2/CR3, NEF or
   ARW (they take the same path: libraw hands over the embedded JPEG).
4. --raw-samples DIR: each RAW file under DIR (any of RAW_EXTENSIONS): its preview, how ours
   reads it (or why it cannot), and where it has a preview ours vs the bare extract_thumb +
   draft decode. The README says where sample files can be had.

Files are made once and kept under bench/.work.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

# as in the fingerprint workers (engine.support.pools): numpy's products on one thread
os.environ.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})

import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_analysis import make_photos  # noqa: E402

from sidecar.cli.dng import write_dng  # noqa: E402
from sidecar.cli.samples import _data_dir  # noqa: E402
from sidecar.engine.core.media import RAW_EXTENSIONS  # noqa: E402
from sidecar.engine.imaging import DRAFT_EDGE, Fingerprint, fingerprint_file  # noqa: E402
from tests.helpers.raw_files import write_dng_with_preview  # noqa: E402

WORK = ROOT / "bench" / ".work" / "sources"
SIZE = (4032, 3024)


def photo() -> Image.Image:
    with Image.open(_data_dir() / "astronaut.png") as src:
        return src.convert("RGB").resize(SIZE, Image.Resampling.BILINEAR)


def make_heics() -> tuple[Path, Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    thumb, plain = WORK / "IMG_0001.heic", WORK / "IMG_0002.heic"
    for path, boxes in ((thumb, [320]), (plain, [])):
        if not path.exists():
            photo().save(path, quality=80, thumbnails=boxes)
    return thumb, plain


def make_dngs() -> tuple[Path, Path]:
    plain = WORK / "IMG_0003.dng"
    if not plain.exists():
        write_dng(photo(), plain)
    with_preview = WORK / "IMG_0004.dng"
    if not with_preview.exists():
        write_dng_with_preview(photo(), with_preview)  # a 1600x1200 JPEG preview
    return plain, with_preview


def bare_full(path: Path) -> None:
    with Image.open(path) as img:
        img.load()


def bare_draft(path: Path) -> None:
    with Image.open(path) as img:
        img.draft("L", (DRAFT_EDGE, DRAFT_EDGE))
        img.load()


def bare_heif_thumbnail(path: Path) -> None:
    with Image.open(path) as img:
        img.draft(None, (160, 120))
        img.load()


def bare_raw_preview(path: Path) -> None:
    import rawpy

    with rawpy.imread(str(path)) as raw, Image.open(io.BytesIO(raw.extract_thumb().data)) as img:
        img.draft("L", (DRAFT_EDGE, DRAFT_EDGE))
        img.load()


def ours(path: Path) -> None:
    fingerprint_file(str(path))


def source(path: Path) -> str:
    fp = fingerprint_file(str(path))
    return fp.source if isinstance(fp, Fingerprint) else f"failed: {fp.reason}"


Job = tuple[Callable[[Path], None], list[Path]]  # a function, and the files it is run on


def timed(rounds: int, jobs: dict[str, Job]) -> dict[str, float]:
    """Seconds per file of each job: the fewest each file took in `rounds` rounds, the jobs
    interleaved file by file (all see the same moment's machine), averaged over the files."""
    return timed_both(rounds, jobs)[0]


def timed_both(rounds: int, jobs: dict[str, Job]) -> tuple[dict[str, float], dict[str, float]]:
    """`timed` on the wall clock and on this process's CPU clock in the same rounds: on a busy
    machine the wall clock also counts the time other processes held the core."""
    for fn, paths in jobs.values():
        fn(paths[0])  # warm: imports, caches
    count = len(next(iter(jobs.values()))[1])
    wall = {(label, i): float("inf") for label in jobs for i in range(count)}
    cpu = dict(wall)
    for _ in range(rounds):
        for i in range(count):
            for label, (fn, paths) in jobs.items():
                t, c = time.perf_counter(), time.process_time()
                fn(paths[i])
                c, t = time.process_time() - c, time.perf_counter() - t
                wall[label, i] = min(wall[label, i], t)
                cpu[label, i] = min(cpu[label, i], c)
    return tuple(  # type: ignore[return-value]
        {label: sum(best[label, i] for i in range(count)) / count for label in jobs}
        for best in (wall, cpu)
    )


def show(rows: dict[str, float]) -> None:
    for label, secs in rows.items():
        print(f"  {label:<58} {secs * 1000:8.1f} ms")


def bench_heic(rounds: int) -> None:
    thumb, plain = make_heics()
    print(f"HEIC {SIZE[0]}x{SIZE[1]}: sources {source(thumb)}, {source(plain)}")
    rows = timed(
        rounds,
        {
            "bare full decode (reference)": (bare_full, [plain]),
            "bare thumbnail decode (reference)": (bare_heif_thumbnail, [thumb]),
            "ours, no thumbnail (full decode)": (ours, [plain]),
            "ours, 320x240 thumbnail": (ours, [thumb]),
        },
    )
    show(rows)
    full, small = rows["ours, no thumbnail (full decode)"], rows["ours, 320x240 thumbnail"]
    print(f"  full decode / thumbnail: {full / small:.0f}x; thumbnail under 60 ms: {small < 0.06}")


def bench_jpeg(rounds: int, count: int) -> None:
    photos = make_photos(count)
    print(f"JPEG 4000x3000, {count} photos")
    bare, mine = "bare draft decode (luminance, 1/8 scale)", "ours: all hashes, EXIF, quality"
    wall, cpu = timed_both(rounds, {bare: (bare_draft, photos), mine: (ours, photos)})
    for clock, rows in (("wall clock", wall), ("CPU time", cpu)):
        print(f" {clock}")
        show(rows)
        print(f"  ours / bare draft decode: {rows[mine] / rows[bare]:.2f}x (target <= 1.2x)")


def bench_dng(rounds: int) -> None:
    plain, with_preview = make_dngs()
    print(f"DNG {SIZE[0]}x{SIZE[1]}: sources {source(with_preview)}, {source(plain)}")
    rows = timed(
        rounds,
        {
            "bare extract_thumb + its draft decode (reference)": (bare_raw_preview, [with_preview]),
            "ours, embedded 1600x1200 JPEG preview": (ours, [with_preview]),
            "ours, no preview (half-size demosaic)": (ours, [plain]),
        },
    )
    show(rows)
    half = rows["ours, no preview (half-size demosaic)"]
    preview = rows["ours, embedded 1600x1200 JPEG preview"]
    print(f"  half-size demosaic / preview: {half / preview:.0f}x")


def bench_raw_samples(rounds: int, folder: Path) -> None:
    """Each RAW file under `folder`: how ours reads it (or why it cannot), and where it has a
    preview, ours vs rawpy's bare `extract_thumb` + a draft decode of that preview."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in RAW_EXTENSIONS)
    print(f"RAW samples under {folder}: {len(files)} files")
    for path in files:
        print(f"  {path.name}: {preview_size(path)}; ours: {source(path)}")
        if source(path) != "raw-preview":
            continue
        rows = timed(rounds, {"bare": (bare_raw_preview, [path]), "ours": (ours, [path])})
        print(f"    bare {rows['bare'] * 1000:.1f} ms, ours {rows['ours'] * 1000:.1f} ms")


def preview_size(path: Path) -> str:
    import rawpy

    try:
        with rawpy.imread(str(path)) as raw:
            sizes, thumb = raw.sizes, raw.extract_thumb()
            if thumb.format != rawpy.ThumbFormat.JPEG:
                return f"{sizes.width}x{sizes.height}, a bitmap preview"
            with Image.open(io.BytesIO(bytes(thumb.data))) as img:
                w, h = img.size
            return f"{sizes.width}x{sizes.height}, a {w}x{h} JPEG preview"
    except Exception as exc:  # noqa: BLE001 - libraw raises many types
        return f"libraw: {type(exc).__name__}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--only", choices=["heic", "jpeg", "dng"], help="one kind of file")
    parser.add_argument(
        "--raw-samples", type=Path, metavar="DIR", help="also each RAW file under DIR"
    )
    args = parser.parse_args()
    print(f"pillow-heif {pillow_heif.__version__}, libheif {pillow_heif.libheif_version()}")
    if args.only in (None, "heic"):
        bench_heic(args.rounds)
    if args.only in (None, "jpeg"):
        bench_jpeg(args.rounds, args.photos)
    if args.only in (None, "dng"):
        bench_dng(args.rounds)
    if args.raw_samples:
        bench_raw_samples(args.rounds, args.raw_samples)


if __name__ == "__main__":
    main()
