"""A folder of real sample photographs, laid out like a messy family library.

The pictures are the photographs scikit-image ships (install the `samples` extra). The tree
holds what reconciliation and analysis must cope with: exact copies in a backup folder, a
resized re-encode, a format conversion, an edited variant, a burst, a RAW+JPEG pair (a real
DNG, written with pidng), distinct-but-similar shots, a sidecar, odd file names, and clutter
that must be ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PIL import ExifTags, Image, ImageEnhance

from sidecar.cli.errors import SamplesUnavailableError


@dataclass(frozen=True, slots=True)
class Shot:
    source: str  # file name inside skimage/data
    target: str  # path in the sample tree
    taken: datetime
    camera: tuple[str, str] = ("Canon", "Canon EOS 80D")


BASE = datetime(2019, 7, 14, 10, 0, 0)
SHOTS = (
    Shot("astronaut.png", "2019/Summer/astronaut.jpg", BASE),
    Shot("chelsea.png", "2019/Summer/chelsea.jpg", BASE + timedelta(minutes=5)),
    Shot("coffee.png", "2019/Summer/coffee.jpg", BASE + timedelta(minutes=30)),
    Shot("rocket.jpg", "2020/Trip/rocket.jpg", BASE + timedelta(days=400), ("SONY", "ILCE-7M3")),
    Shot(
        "motorcycle_left.png",
        "2020/Trip/motorcycle_left.jpg",
        BASE + timedelta(days=401),
        ("SONY", "ILCE-7M3"),
    ),
    Shot(
        "motorcycle_right.png",
        "2020/Trip/motorcycle_right.jpg",
        BASE + timedelta(days=401, seconds=40),
        ("SONY", "ILCE-7M3"),
    ),
    Shot("hubble_deep_field.jpg", "2021/Sky/hubble.jpg", BASE + timedelta(days=800)),
    Shot("retina.jpg", "2021/Clinic/retina.jpg", BASE + timedelta(days=820)),
    Shot("brick.png", "2021/Textures/brick.jpg", BASE + timedelta(days=830)),
    Shot("grass.png", "2021/Textures/grass.jpg", BASE + timedelta(days=830, seconds=20)),
)


def _data_dir() -> Path:
    try:
        import skimage
    except ImportError:
        raise SamplesUnavailableError(
            "sample photos need scikit-image: pip install 'immich-sidecar[samples]'"
        ) from None
    return Path(skimage.__file__).parent / "data"


def _exif(taken: datetime, camera: tuple[str, str]) -> Image.Exif:
    exif = Image.Exif()
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.Make] = camera[0]
    exif[ExifTags.Base.Model] = camera[1]
    exif[ExifTags.Base.DateTime] = stamp
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = stamp
    sub[ExifTags.Base.SubsecTimeOriginal] = f"{taken.microsecond // 10_000:02d}"
    return exif


def _save(
    img: Image.Image, path: Path, taken: datetime, camera: tuple[str, str], quality: int = 95
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.save(path, exif=_exif(taken, camera), quality=quality)
    stamp = taken.timestamp()
    os.utime(path, (stamp, stamp))


def build_samples(target: Path) -> list[Path]:
    """Write the sample tree under `target` (idempotent: existing files are left alone)."""
    data = _data_dir()
    written: list[Path] = []

    def put(
        img: Image.Image, rel: str, taken: datetime, camera: tuple[str, str], quality: int = 95
    ) -> None:
        path = target / rel
        if not path.exists():
            _save(img, path, taken, camera, quality)
        written.append(path)

    for shot in SHOTS:
        with Image.open(data / shot.source) as src:
            img = src.convert("RGB")
        put(img, shot.target, shot.taken, shot.camera, quality=92)
        if shot.source == "astronaut.png":
            # a backup copy (byte-identical), a resized re-encode and a cropped edit
            backup = target / "Backup" / shot.target
            backup.parent.mkdir(parents=True, exist_ok=True)
            if not backup.exists():
                backup.write_bytes((target / shot.target).read_bytes())
                os.utime(backup, (shot.taken.timestamp(), shot.taken.timestamp()))
            written.append(backup)
            small = img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS)
            put(small, "Exports/astronaut-small.jpg", shot.taken, shot.camera, quality=80)
        if shot.source == "chelsea.png":
            put(img, "Exports/chelsea.png", shot.taken, shot.camera)
            brighter = ImageEnhance.Brightness(img).enhance(1.15)
            put(brighter, "2019/Summer/chelsea_edited.jpg", shot.taken, shot.camera, quality=90)
        if shot.source == "coffee.png":
            # a three-frame burst: the cup drifts a few pixels between frames
            for i in range(3):
                frame = img.crop((i * 6, 0, img.width - 12 + i * 6, img.height))
                taken = shot.taken + timedelta(hours=1, milliseconds=300 * i)
                put(frame, f"2019/Summer/Burst/IMG_{2041 + i}.JPG", taken, shot.camera, quality=90)
    _raw_pair(target, data, written)
    extras = {
        "2019/Summer/coffee.xmp": '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>\n',
        "2019/Summer/@eaDir/astronaut.jpg/SYNOPHOTO_THUMB_S.jpg": "synology thumbnail\n",
        "2019/Summer/.DS_Store": "\0",
        "2019/notes.txt": "not a photo\n",
    }
    for rel, text in extras.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    odd = target / "Odd names" / "café au lait (1).jpg"
    if not odd.exists():
        odd.parent.mkdir(parents=True, exist_ok=True)
        odd.write_bytes((target / "2019/Summer/coffee.jpg").read_bytes())
    written.append(odd)
    return written


def _raw_pair(target: Path, data: Path, written: list[Path]) -> None:
    """A RAW+JPEG pair: a real DNG (written with pidng) and the JPEG the camera made beside it."""
    try:
        from sidecar.cli.dng import write_dng  # pidng comes with the samples extra
    except ImportError:
        return
    taken = BASE + timedelta(days=402)
    jpeg = target / "2020/Trip/IMG_3001.JPG"
    dng = target / "2020/Trip/IMG_3001.dng"
    with Image.open(data / "hubble_deep_field.jpg") as src:
        img = src.convert("RGB")
    quarter = img.crop((img.width // 2, 0, img.width, img.height // 2))
    if not jpeg.exists():
        _save(quarter, jpeg, taken, ("SONY", "ILCE-7M3"), 92)
    if not dng.exists():
        write_dng(
            quarter, dng, make="SONY", model="ILCE-7M3", taken=taken.strftime("%Y:%m:%d %H:%M:%S")
        )
        os.utime(dng, (taken.timestamp(), taken.timestamp()))
    written += [jpeg, dng]
