"""What one fingerprint costs per kind of file, against the bare decode it cannot beat, both
measured in the same run (one core; per file the fastest of --rounds rounds, the jobs
interleaved file by file: on a shared machine the other load only adds time).

1. HEIC: a 12 MP (4032x3024) photo written with pillow-heif with a 320x240 thumbnail (as
   Apple's phones embed) and without one: ours through the thumbnail vs ours through a full
   decode, and the bare full decode `Image.open(p).load()`. Target: < 60 ms with a thumbnail.
2. JPEG: --photos 12 MP JPEGs (bench_analysis'): ours vs a bare draft decode (the luminance at
   1/8 scale, what ours decodes). Target: ours within 1.2x of the bare draft decode.
3. DNG: a 12 MP 12-bit Bayer DNG written with pidng (no embedded preview: the half-size
   demosaic path), and the same with an embedded 1600x1200 JPEG preview written here with
   tifffile (the path real cameras' DNGs take), vs rawpy's bare `extract_thumb` and a draft
   decode of that preview. CR2/CR3, NEF and ARW are not measured: nothing here can write them
   (they take the same path: libraw hands over the embedded JPEG).

Files are made once and kept under bench/.work.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_analysis import make_photos  # noqa: E402

from sidecar.cli.dng import write_dng  # noqa: E402
from sidecar.cli.samples import _data_dir  # noqa: E402
from sidecar.engine.imaging import DRAFT_EDGE, Fingerprint, fingerprint_file  # noqa: E402

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
        write_dng_with_preview(photo(), with_preview)
    return plain, with_preview


def write_dng_with_preview(img: Image.Image, target: Path) -> None:
    """A DNG laid out as cameras write them: IFD0 a 1600x1200 JPEG preview (NewSubfileType 1),
    the 12-bit RGGB mosaic in a SubIFD."""
    import tifffile

    rgb = np.asarray(img).astype(np.uint16) * 16
    bayer = np.zeros(rgb.shape[:2], dtype=np.uint16)
    bayer[0::2, 0::2] = rgb[0::2, 0::2, 0]
    bayer[0::2, 1::2] = rgb[0::2, 1::2, 1]
    bayer[1::2, 0::2] = rgb[1::2, 0::2, 1]
    bayer[1::2, 1::2] = rgb[1::2, 1::2, 2]
    preview = img.resize((1600, 1200), Image.Resampling.BILINEAR)
    jpeg = io.BytesIO()
    preview.save(jpeg, "JPEG", quality=90)
    dng = [
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50707, "B", 4, (1, 2, 0, 0), True),  # DNGBackwardVersion
        (271, "s", 0, "Canon", True),
        (272, "s", 0, "Canon EOS 80D", True),
        (50721, "2i", 9, (1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1), True),
        (50778, "H", 1, 21, True),  # CalibrationIlluminant1: D65
        (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True),  # AsShotNeutral
    ]
    cfa = [
        (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
        (33422, "B", 4, (0, 1, 1, 2), True),  # CFAPattern RGGB
        (50714, "H", 1, 0, True),  # BlackLevel
        (50717, "H", 1, 4095, True),  # WhiteLevel
    ]
    # the strip is handed over already encoded: tifffile never calls its JPEG encoder, but
    # looks one up (from imagecodecs, not installed here)
    tifffile.TIFF.COMPRESSORS._codecs.setdefault(7, None)
    with tifffile.TiffWriter(target) as tif:
        tif.write(
            iter([jpeg.getvalue()]),
            shape=(1200, 1600, 3),
            dtype=np.uint8,
            compression=7,  # JPEG, the strip written as encoded above
            photometric="ycbcr",
            subsampling=(2, 2),
            rowsperstrip=1200,
            subfiletype=1,
            subifds=1,
            extratags=dng,
        )
        tif.write(
            bayer,
            photometric=32803,  # CFA
            subfiletype=0,
            extratags=cfa,
        )


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
    for fn, paths in jobs.values():
        fn(paths[0])  # warm: imports, caches
    count = len(next(iter(jobs.values()))[1])
    best = {(label, i): float("inf") for label in jobs for i in range(count)}
    for _ in range(rounds):
        for i in range(count):
            for label, (fn, paths) in jobs.items():
                t = time.perf_counter()
                fn(paths[i])
                best[label, i] = min(best[label, i], time.perf_counter() - t)
    return {label: sum(best[label, i] for i in range(count)) / count for label in jobs}


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
    rows = timed(
        rounds,
        {
            "bare draft decode (luminance, 1/8 scale)": (bare_draft, photos),
            "ours: hashes of frame + 2 views, EXIF, quality": (ours, photos),
        },
    )
    show(rows)
    ratio = (
        rows["ours: hashes of frame + 2 views, EXIF, quality"]
        / rows["bare draft decode (luminance, 1/8 scale)"]
    )
    print(f"  ours / bare draft decode: {ratio:.2f}x (target <= 1.2x)")


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--photos", type=int, default=20)
    args = parser.parse_args()
    print(f"pillow-heif {pillow_heif.__version__}, libheif {pillow_heif.libheif_version()}")
    bench_heic(args.rounds)
    bench_jpeg(args.rounds, args.photos)
    bench_dng(args.rounds)


if __name__ == "__main__":
    main()
