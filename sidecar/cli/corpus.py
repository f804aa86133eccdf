"""A labelled evaluation corpus made from real photographs (scikit-image's), for `eval`.

What it holds, and what the labels say:
- exact copies of a photo in another folder (exact duplicates);
- resized, re-compressed (quality 60), PNG-converted, centre-cropped (2-5% per side),
  one-sided-cropped (3-10%), brightened or darkened, contrast-edited (10-25%) versions of a
  photo and messenger-size copies (long edge 1,280 and 320 px), each labelled with its kind
  (near duplicates of it and of each other); `seed` varies them (corpus_variants);
- distinct-but-similar shots: a stereo pair, textures of one kind, burst frames with motion
  (never duplicates);
- RAW+JPEG pairs written as real DNGs with pidng (pairs), and decoys: the same file name in
  another folder, or in the same folder but shot a year apart (never pairs);
- keepers: in every duplicate group the member a person would keep is the camera original
  (or a byte-identical copy of it with a plain name), not an `_edit` saved by an editor, a
  `_meta` whose metadata was rewritten later (pixels untouched), an export, a messenger's
  re-encode without EXIF, or a copy named `Copy of x`, `x (1)`, `x_1`.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PIL import ExifTags, Image

from sidecar.cli.corpus_variants import GIMP as GIMP  # kept importable from here
from sidecar.cli.corpus_variants import Variant, camera_size, variants
from sidecar.cli.samples import _data_dir, _exif

PHOTOS = (
    "astronaut.png",
    "chelsea.png",
    "coffee.png",
    "rocket.jpg",
    "hubble_deep_field.jpg",
    "retina.jpg",
    "motorcycle_left.png",
    "brick.png",
    "grass.png",
    "gravel.png",
)
CAMERA = ("Canon", "Canon EOS 80D")
T0 = datetime(2022, 5, 1, 9, 0, 0)
# byte-identical copies named the way file managers and downloads name copies
COPY_NAMES = ("Copy of {}", "{} (1)", "{}_1", "{} - Copy", "copy_of_{}", "{} (copy)")
# the families of seeds >= 1 are drawn from these (seed 0: the first six photos); low-texture
# pictures (the moon, the coins) are the hardest to tell from a recompression's noise
FAMILY_POOL = (*PHOTOS[:6], "camera.png", "moon.png", "coins.png", "ihc.png")
CAMERA_EDGE = 1600  # the originals' long side (a camera's photo, not a web thumbnail)


@dataclass
class Labels:
    exact: list[tuple[str, str]] = field(default_factory=list)  # relative paths
    near: list[tuple[str, str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    not_pairs: list[tuple[str, str]] = field(default_factory=list)
    burst_frames: list[list[str]] = field(default_factory=list)
    # (every file of one photo's family, the members a person would keep)
    keepers: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    kinds: dict[str, Variant] = field(default_factory=dict)  # each family file's variant


def _save(
    img: Image.Image,
    path: Path,
    taken: datetime,
    quality: int = 95,
    software: str | None = None,
    exif: bool = True,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tags = _exif(taken, CAMERA)
    if software:
        tags[ExifTags.Base.Software] = software
    img.convert("RGB").save(path, exif=tags if exif else Image.Exif(), quality=quality)
    os.utime(path, (taken.timestamp(), taken.timestamp()))


def _rewrite_metadata(src: Path, dst: Path, taken: datetime, written: datetime) -> None:
    """A copy whose EXIF a tool rewrote later (a caption, an artist; DateTime moves), the
    compressed pixels left byte for byte as they were."""
    tags = _exif(taken, CAMERA)
    tags[ExifTags.Base.DateTime] = written.strftime("%Y:%m:%d %H:%M:%S")
    tags[ExifTags.Base.Artist] = "Family archive"
    tags[ExifTags.Base.ImageDescription] = "Scanned into the family archive, keywords added"
    data = src.read_bytes()
    i, out = 2, bytearray(data[:2])
    while i < len(data) and data[i + 1] != 0xDA:  # up to the start of the scan
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if data[i + 1] == 0xE1 and data[i + 4 : i + 10] == b"Exif\x00\x00":
            block = tags.tobytes()
            out += b"\xff\xe1" + (len(block) + 2).to_bytes(2, "big") + block
        else:
            out += data[i : i + 2 + length]
        i += 2 + length
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(bytes(out + data[i:]))


def build_corpus(root: Path, with_raw: bool = True, seed: int = 0) -> Labels:
    """Write the corpus under `root` (replacing it) and return its labels. The seed varies
    the variants (crop sides and amounts, edit strengths, messenger qualities) and, from seed
    1 on, which photos make the families."""
    shutil.rmtree(root, ignore_errors=True)
    labels = Labels()
    data = _data_dir()
    rng = random.Random(seed)
    photos = PHOTOS[:6] if seed == 0 else tuple(rng.sample(FAMILY_POOL, 6))
    crops = [Variant.CROP_CENTRE, Variant.CROP_SIDE] * 3
    rng.shuffle(crops)
    for n, name in enumerate(photos):
        with Image.open(data / name) as src:
            img = camera_size(src.convert("RGB"), CAMERA_EDGE)
        taken = T0 + timedelta(hours=n)
        stem = name.split(".")[0]
        base = f"originals/{stem}.jpg"
        _save(img, root / base, taken, quality=92)
        copy = f"backup/{stem}.jpg"
        named = f"originals/{COPY_NAMES[n % len(COPY_NAMES)].format(stem)}.jpg"
        for dup in (copy, named):
            (root / dup).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / base, root / dup)
        labels.exact += [(base, copy), (base, named), (copy, named)]
        made = variants(img, stem, taken, n, rng, crops[n])
        for rel, variant in made.items():
            _save(variant.image, root / rel, taken, **variant.save)
        meta = f"archive/{stem}_meta.jpg"
        _rewrite_metadata(root / base, root / meta, taken, taken + timedelta(days=700))
        labels.kinds.update({p: Variant.ORIGINAL for p in (base, copy, named)})
        labels.kinds.update({rel: variant.kind for rel, variant in made.items()})
        labels.kinds[meta] = Variant.METADATA
        family = [base, *made, meta]
        labels.near += [(a, b) for i, a in enumerate(family) for b in family[i + 1 :]]
        labels.keepers.append((frozenset([*family, copy, named]), frozenset([base, copy])))
    # distinct but similar: a stereo pair, three textures
    for name in (
        "motorcycle_left.png",
        "motorcycle_right.png",
        "brick.png",
        "grass.png",
        "gravel.png",
    ):
        with Image.open(data / name) as src:
            _save(src, root / f"similar/{name.split('.')[0]}.jpg", T0, quality=90)
    # a burst with motion: the subject moves 6% of the frame between frames
    with Image.open(data / "coffee.png") as src:
        img = src.convert("RGB")
    frames = []
    for i in range(4):
        dx = int(img.width * 0.06) * i
        frame = img.crop((dx, 0, dx + int(img.width * 0.7), img.height))
        rel = f"burst/IMG_{900 + i}.JPG"
        _save(frame, root / rel, T0 + timedelta(days=3, milliseconds=250 * i), quality=90)
        frames.append(rel)
    labels.burst_frames.append(frames)
    if with_raw:
        _raw_pairs(root, labels, data)
    return labels


def _raw_pairs(root: Path, labels: Labels, data: Path) -> None:
    from sidecar.cli.dng import write_dng  # pidng is optional: imported on use

    # quarters of photos, enlarged: pictures unlike anything else in the corpus
    for n, name in enumerate(("hubble_deep_field.jpg", "retina.jpg", "rocket.jpg", "chelsea.png")):
        img = _quarter(data / name, n)
        taken = T0 + timedelta(days=10, hours=n)
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        jpg = f"raw/IMG_{100 + n:04d}.JPG"
        _save(img, root / jpg, taken, quality=92)
        dng = write_dng(img, root / f"raw/IMG_{100 + n:04d}.dng", taken=stamp)
        labels.pairs.append((jpg, str(dng.relative_to(root))))
    # decoys: the same name in another folder; the same name a year apart (counter wrap).
    # Each: the JPEG (photo, quarter, path, day), then the DNG (photo, quarter, path, day).
    decoys = (
        (
            ("astronaut.png", 0, "decoys/a/IMG_0500.JPG", 20),
            ("coffee.png", 1, "decoys/b/IMG_0500.dng", 20),
        ),
        (
            ("coffee.png", 2, "decoys/c/IMG_0600.JPG", 30),
            ("coffee.png", 3, "decoys/c/IMG_0600.dng", 395),
        ),
    )
    for (photo, n, jpg, day), (raw_photo, raw_n, raw, raw_day) in decoys:
        _save(_quarter(data / photo, n), root / jpg, T0 + timedelta(days=day), quality=90)
        stamp = (T0 + timedelta(days=raw_day)).strftime("%Y:%m:%d %H:%M:%S")
        dng = write_dng(_quarter(data / raw_photo, raw_n), root / raw, taken=stamp)
        labels.not_pairs.append((jpg, str(dng.relative_to(root))))


def _quarter(path: Path, which: int) -> Image.Image:
    """One quarter of a photo (0 top-left .. 3 bottom-right), enlarged twice."""
    with Image.open(path) as src:
        img = src.convert("RGB")
    w, h = img.width // 2, img.height // 2
    x, y = (which % 2) * w, (which // 2) * h
    return img.crop((x, y, x + w, y + h)).resize((w * 2, h * 2))
