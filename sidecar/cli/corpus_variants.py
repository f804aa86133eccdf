"""The near-duplicate variants of one photo in the `eval` corpus, drawn from a seeded random
generator: which side a one-sided crop cuts and by how much, edit strengths, messenger
qualities. Each variant is labelled with its kind, so `eval` can report recall per kind."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from PIL import Image, ImageEnhance

GIMP = "GIMP 2.10.36"
LIGHTROOM = "Adobe Photoshop Lightroom Classic 13.1 (Windows)"
SIDES = ("left", "right", "top", "bottom")


class Variant(StrEnum):
    ORIGINAL = "original"  # the camera original and its byte-identical copies
    RESIZED = "resized"  # half size, exported
    RECOMPRESSED = "recompressed-q60"  # full size at JPEG quality 60, without EXIF
    PNG = "png"
    CROP_CENTRE = "crop-centre"  # 2-5% cut from every side
    CROP_SIDE = "crop-side"  # 3-10% cut from one side
    BRIGHTNESS = "brightness"  # +-10-25%
    CONTRAST = "contrast"  # +-10-25%
    MESSENGER_1280 = "messenger-1280"  # long edge 1,280 px, quality 70-80, without EXIF
    MESSENGER_320 = "messenger-320"  # long edge 320 px, quality 70-80, without EXIF
    METADATA = "metadata"  # EXIF rewritten, pixels untouched


@dataclass(slots=True)
class Made:
    """One variant to write: its pixels, how it is saved, and its kind."""

    image: Image.Image
    kind: Variant
    save: dict[str, Any] = field(default_factory=dict)


def _strength(rng: random.Random) -> float:
    """An edit factor 10-25% away from 1, brighter or darker."""
    amount = rng.uniform(0.10, 0.25)
    return 1 + amount if rng.random() < 0.5 else 1 - amount


def _fit(img: Image.Image, edge: int) -> Image.Image:
    scale = edge / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS)


def crop_centre(img: Image.Image, cut: float) -> Image.Image:
    dx, dy = round(img.width * cut), round(img.height * cut)
    return img.crop((dx, dy, img.width - dx, img.height - dy))


def crop_side(img: Image.Image, side: str, cut: float) -> Image.Image:
    w, h = img.size
    dx, dy = round(w * cut), round(h * cut)
    box = {
        "left": (dx, 0, w, h),
        "right": (0, 0, w - dx, h),
        "top": (0, dy, w, h),
        "bottom": (0, 0, w, h - dy),
    }[side]
    return img.crop(box)


def variants(
    img: Image.Image, stem: str, taken: datetime, n: int, rng: random.Random, crop: Variant
) -> dict[str, Made]:
    """Relative path -> the variant written there, for photo number `n` of the corpus, with
    one cropped copy of the `crop` kind (a centre crop and a one-sided crop of one photo do
    not look alike: they would be two groups, as the no-chaining rule wants)."""
    w, h = img.size
    side = rng.choice(SIDES)
    side_cut = rng.uniform(0.03, 0.10)
    centre_cut = rng.uniform(0.02, 0.05)
    bright, contrast = _strength(rng), _strength(rng)
    whatsapp = f"whatsapp/IMG-{taken:%Y%m%d}-WA{n + 1:04d}.jpg"
    cropped = {
        f"exports/{stem}-crop.jpg": Made(
            crop_centre(img, centre_cut), Variant.CROP_CENTRE, {"quality": 90, "software": GIMP}
        ),
        f"exports/{stem}-{side}.jpg": Made(
            crop_side(img, side, side_cut), Variant.CROP_SIDE, {"quality": 90, "software": GIMP}
        ),
    }
    return {
        f"exports/{stem}-small.jpg": Made(
            img.resize((w // 2, h // 2)), Variant.RESIZED, {"quality": 85, "software": LIGHTROOM}
        ),
        whatsapp: Made(img, Variant.RECOMPRESSED, {"quality": 60, "exif": False}),
        f"exports/{stem}.png": Made(img, Variant.PNG),
        **{rel: made for rel, made in cropped.items() if made.kind is crop},
        # the trap: an edit saved at a higher quality, a few KB larger than the original
        f"edits/{stem}_edit.jpg": Made(
            ImageEnhance.Brightness(img).enhance(bright),
            Variant.BRIGHTNESS,
            {"quality": 95, "software": GIMP},
        ),
        f"edits/{stem}_contrast.jpg": Made(
            ImageEnhance.Contrast(img).enhance(contrast),
            Variant.CONTRAST,
            {"quality": 92, "software": GIMP},
        ),
        f"messenger/{stem}-1280.jpg": Made(
            _fit(img, 1280), Variant.MESSENGER_1280, {"quality": rng.randint(70, 80), "exif": False}
        ),
        f"messenger/{stem}-320.jpg": Made(
            _fit(img, 320), Variant.MESSENGER_320, {"quality": rng.randint(70, 80), "exif": False}
        ),
    }


def camera_size(img: Image.Image, edge: int) -> Image.Image:
    """The photo as a camera would have taken it: enlarged to `edge` pixels on its long side
    (scikit-image's photographs are 0.3-1.4k pixels; messenger copies shrink real ones)."""
    return _fit(img, edge) if max(img.size) < edge else img
