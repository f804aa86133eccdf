"""Write real DNG files (12-bit RGGB mosaics with EXIF) from photographs, with pidng (the
`samples` extra). Used by the evaluation corpus and the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pidng.core import RAW2DNG, DNGTags, Tag
from pidng.defs import CalibrationIlluminant, CFAPattern, PhotometricInterpretation
from PIL import Image


def write_dng(
    img: Image.Image,
    target: Path,
    *,
    make: str = "Canon",
    model: str = "Canon EOS 80D",
    taken: str = "2019:07:14 10:00:00",
) -> Path:
    """Write `img` as a 12-bit Bayer DNG at `target` (the suffix .dng is added by pidng)."""
    rgb = np.asarray(img.convert("RGB")).astype(np.uint16) * 16
    h, w = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
    rgb = rgb[:h, :w]
    bayer = np.zeros((h, w), dtype=np.uint16)
    bayer[0::2, 0::2] = rgb[0::2, 0::2, 0]
    bayer[0::2, 1::2] = rgb[0::2, 1::2, 1]
    bayer[1::2, 0::2] = rgb[1::2, 0::2, 1]
    bayer[1::2, 1::2] = rgb[1::2, 1::2, 2]
    tags = DNGTags()
    for tag, value in (
        (Tag.ImageWidth, w),
        (Tag.ImageLength, h),
        (Tag.TileWidth, w),
        (Tag.TileLength, h),
        (Tag.Orientation, 1),
        (Tag.PhotometricInterpretation, PhotometricInterpretation.Color_Filter_Array),
        (Tag.SamplesPerPixel, 1),
        (Tag.BitsPerSample, 16),
        (Tag.CFARepeatPatternDim, [2, 2]),
        (Tag.CFAPattern, CFAPattern.RGGB),
        (Tag.BlackLevel, 0),
        (Tag.WhiteLevel, 4095),
        (
            Tag.ColorMatrix1,
            [[1, 1], [0, 1], [0, 1], [0, 1], [1, 1], [0, 1], [0, 1], [0, 1], [1, 1]],
        ),
        (Tag.CalibrationIlluminant1, CalibrationIlluminant.D65),
        (Tag.AsShotNeutral, [[1, 1], [1, 1], [1, 1]]),
        (Tag.Make, make),
        (Tag.Model, model),
        (Tag.DateTimeOriginal, taken),
        (Tag.DateTime, taken),
        (Tag.DNGVersion, [1, 4, 0, 0]),
        (Tag.DNGBackwardVersion, [1, 2, 0, 0]),
        (Tag.NewSubfileType, 0),
    ):
        tags.set(tag, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    converter = RAW2DNG()
    converter.options(tags, path="", compress=False)
    stem = target.with_suffix("")
    converter.convert(bayer, filename=str(stem))
    return stem.with_suffix(".dng")
