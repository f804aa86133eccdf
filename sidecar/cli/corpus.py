"""A labelled evaluation corpus made from real photographs (scikit-image's), for `eval`.

What it holds, and what the labels say:
- exact copies of a photo in another folder (exact duplicates);
- resized, re-compressed, PNG-converted, slightly cropped and brightened versions of a photo
  (near duplicates of it and of each other);
- distinct-but-similar shots: a stereo pair, textures of one kind, burst frames with motion
  (never duplicates);
- RAW+JPEG pairs written as real DNGs with pidng (pairs), and decoys: the same file name in
  another folder, or in the same folder but shot a year apart (never pairs).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageEnhance

from sidecar.cli.samples import _data_dir, _exif

PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg",
          "retina.jpg", "motorcycle_left.png", "brick.png", "grass.png", "gravel.png")  # fmt: skip
CAMERA = ("Canon", "Canon EOS 80D")
T0 = datetime(2022, 5, 1, 9, 0, 0)
# "slightly cropped": the fraction cut from every side, different for every photo
CROPS = (0.02, 0.03, 0.04, 0.05, 0.035, 0.045)


@dataclass
class Labels:
    exact: list[tuple[str, str]] = field(default_factory=list)  # relative paths
    near: list[tuple[str, str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    not_pairs: list[tuple[str, str]] = field(default_factory=list)
    burst_frames: list[list[str]] = field(default_factory=list)


def _save(img: Image.Image, path: Path, taken: datetime, quality: int = 95) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.convert("RGB").save(path, exif=_exif(taken, CAMERA), quality=quality)
    os.utime(path, (taken.timestamp(), taken.timestamp()))


def build_corpus(root: Path, with_raw: bool = True) -> Labels:
    """Write the corpus under `root` (replacing it) and return its labels."""
    shutil.rmtree(root, ignore_errors=True)
    labels = Labels()
    data = _data_dir()
    for n, name in enumerate(PHOTOS[:6]):
        with Image.open(data / name) as src:
            img = src.convert("RGB")
        taken = T0 + timedelta(hours=n)
        stem = name.split(".")[0]
        base = f"originals/{stem}.jpg"
        _save(img, root / base, taken, quality=92)
        copy = f"backup/{stem}.jpg"
        (root / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / base, root / copy)
        labels.exact.append((base, copy))
        w, h = img.size
        variants = {
            f"exports/{stem}-small.jpg": (img.resize((w // 2, h // 2)), {"quality": 85}),
            f"exports/{stem}-q60.jpg": (img, {"quality": 60}),
            f"exports/{stem}.png": (img, {}),
            f"exports/{stem}-crop.jpg": (_crop(img, CROPS[n % len(CROPS)]), {"quality": 90}),
            f"exports/{stem}-bright.jpg": (ImageEnhance.Brightness(img).enhance(1.1),
                                           {"quality": 90}),
        }  # fmt: skip
        for rel, (variant, kw) in variants.items():
            _save(variant, root / rel, taken, kw.get("quality", 95))
        family = [base, *variants]
        labels.near += [(a, b) for i, a in enumerate(family) for b in family[i + 1 :]]
    # distinct but similar: a stereo pair, three textures
    for name in ("motorcycle_left.png", "motorcycle_right.png", "brick.png", "grass.png",
                 "gravel.png"):  # fmt: skip
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
    # decoys: the same name in another folder; the same name a year apart (counter wrap)
    _save(
        _quarter(data / "astronaut.png", 0),
        root / "decoys/a/IMG_0500.JPG",
        T0 + timedelta(days=20),
        quality=90,
    )
    dng = write_dng(_quarter(data / "coffee.png", 1), root / "decoys/b/IMG_0500.dng",
                    taken=(T0 + timedelta(days=20)).strftime("%Y:%m:%d %H:%M:%S"))  # fmt: skip
    labels.not_pairs.append(("decoys/a/IMG_0500.JPG", str(dng.relative_to(root))))
    _save(_quarter(data / "coffee.png", 2), root / "decoys/c/IMG_0600.JPG",
          T0 + timedelta(days=30), quality=90)  # fmt: skip
    dng = write_dng(_quarter(data / "coffee.png", 3), root / "decoys/c/IMG_0600.dng",
                    taken=(T0 + timedelta(days=395)).strftime("%Y:%m:%d %H:%M:%S"))  # fmt: skip
    labels.not_pairs.append(("decoys/c/IMG_0600.JPG", str(dng.relative_to(root))))


def _crop(img: Image.Image, cut: float) -> Image.Image:
    dx, dy = round(img.width * cut), round(img.height * cut)
    return img.crop((dx, dy, img.width - dx, img.height - dy))


def _quarter(path: Path, which: int) -> Image.Image:
    """One quarter of a photo (0 top-left .. 3 bottom-right), enlarged twice."""
    with Image.open(path) as src:
        img = src.convert("RGB")
    w, h = img.width // 2, img.height // 2
    x, y = (which % 2) * w, (which // 2) * h
    return img.crop((x, y, x + w, y + h)).resize((w * 2, h * 2))
