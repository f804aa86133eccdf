"""DNG files laid out as cameras write them: IFD0 an embedded JPEG preview (NewSubfileType 1)
with the camera's tags, the 12-bit RGGB mosaic in a SubIFD (written with tifffile)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def write_dng_with_preview(
    img: Image.Image,
    target: Path,
    *,
    preview: tuple[int, int] = (1600, 1200),
    orientation: int = 1,
    taken: str = "2019:07:14 10:00:00",
) -> Path:
    """`img` as a DNG at `target` whose preview is `img` reduced to `preview` (as stored: an
    orientation 6 or 8 file stores its pixels sideways, as the sensor saw them)."""
    import tifffile

    rgb = np.asarray(img.convert("RGB")).astype(np.uint16) * 16
    rgb = rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2]
    bayer = np.zeros(rgb.shape[:2], dtype=np.uint16)
    bayer[0::2, 0::2] = rgb[0::2, 0::2, 0]
    bayer[0::2, 1::2] = rgb[0::2, 1::2, 1]
    bayer[1::2, 0::2] = rgb[1::2, 0::2, 1]
    bayer[1::2, 1::2] = rgb[1::2, 1::2, 2]
    jpeg = io.BytesIO()
    img.convert("RGB").resize(preview, Image.Resampling.BILINEAR).save(jpeg, "JPEG", quality=90)
    dng = [
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50707, "B", 4, (1, 2, 0, 0), True),  # DNGBackwardVersion
        (271, "s", 0, "Canon", True),
        (272, "s", 0, "Canon EOS 80D", True),
        (274, "H", 1, orientation, True),
        (306, "s", 0, taken, True),  # DateTime
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
            shape=(preview[1], preview[0], 3),
            dtype=np.uint8,
            compression=7,  # JPEG, the strip written as encoded above
            photometric="ycbcr",
            subsampling=(2, 2),
            rowsperstrip=preview[1],
            subfiletype=1,
            subifds=1,
            software="Firmware Version 1.0.2",  # as cameras write it
            extratags=dng,
        )
        tif.write(bayer, photometric=32803, subfiletype=0, extratags=cfa)  # 32803: CFA
    return target
