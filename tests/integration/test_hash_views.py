"""The hashes of every view are imagehash's, bit for bit: the LANCZOS reductions worked out with
numpy (engine.lanczos) give Pillow's pixels, and the DCT and median for all views at once give
imagehash's pHash, for frames of every shape (portrait, landscape, tiny, upscaled)."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from PIL import Image

from sidecar.engine import imaging, lanczos
from sidecar.engine.core.likeness import Side
from tests.helpers.pictures import picture


def reference(img: Image.Image, hash_size: int = 8) -> imaging.Hashes:
    """The hashes as they were made view by view: Pillow crops, imagehash's phash and dhash."""
    gray = img.convert("L")
    scale = imaging.HASH_EDGE / max(gray.size)
    if scale < 1:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.BOX)
    w, h = gray.size
    boxes = [(0, 0, w, h)]
    for cut in imaging.ZOOMS:
        dx, dy = round(w * cut), round(h * cut)
        boxes.append((dx, dy, w - dx, h - dy))
    for side, cut in imaging.SIDE_VIEWS:
        dx, dy = round(w * cut), round(h * cut)
        boxes.append(
            {
                Side.LEFT: (dx, 0, w, h),
                Side.RIGHT: (0, 0, w - dx, h),
                Side.TOP: (0, dy, w, h),
                Side.BOTTOM: (0, 0, w, h - dy),
            }[side]
        )
    pairs: list[int] = []
    for box in boxes:
        view = gray.crop(box)
        for h_ in (imagehash.phash(view, hash_size), imagehash.dhash(view, hash_size)):
            bits = h_.hash.flatten()
            value = int.from_bytes(np.packbits(bits).tobytes(), "big") >> (-len(bits) % 8)
            pairs.append(imaging.to_signed64(value) if bits.size == 64 else value)
    thumb = gray.resize((32, 32), Image.Resampling.BOX).tobytes()
    zooms = 2 * len(imaging.ZOOMS)
    return imaging.Hashes(
        pairs[0], pairs[1], tuple(pairs[2 : 2 + zooms]), tuple(pairs[2 + zooms :]), thumb
    )


def frames() -> list[Image.Image]:
    rng = np.random.default_rng(16)
    out = [picture(400, 300), picture(300, 400), picture(500, 375).rotate(7), picture(64, 48)]
    for w, h in ((1, 1), (3, 7), (9, 8), (33, 31), (160, 120), (90, 160), (161, 40), (37, 300)):
        out.append(Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8)))
    out.append(Image.new("L", (200, 150), 128))  # flat: every DCT term ties with the median
    return out


@pytest.mark.parametrize("hash_size", [8, 16])
def test_every_view_hashes_as_imagehash_does(hash_size: int) -> None:
    for img in frames():
        assert imaging._hashes(img, hash_size) == reference(img, hash_size), img.size


def test_lanczos_reduces_as_pillow_does_for_any_sizes() -> None:
    rng = np.random.default_rng(6)
    for _ in range(60):
        w, h = (int(v) for v in rng.integers(1, 400, size=2))
        pixels = rng.integers(0, 256, (h, w), dtype=np.uint8)
        for size in ((32, 32), (9, 8), (40, 10)):
            want = np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS))
            got = lanczos.reduce(pixels, *size)
            assert got is not None, ((w, h), size)
            assert np.array_equal(got, want), ((w, h), size)
