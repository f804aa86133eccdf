"""Tiny previews for a terminal: an image reduced to a grid of RGB pixels (two pixel rows per
text row, drawn with half blocks by the TUI). Decoding is the fast draft path; failures give
None, never an exception."""

from __future__ import annotations

import io
import warnings
from typing import IO, cast

from PIL import Image, ImageOps

Pixel = tuple[int, int, int]
Source = str | bytes  # a file's path, or an image's bytes (e.g. Immich's thumbnail)


def _open(source: Source) -> Image.Image:
    stream: str | IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    return Image.open(stream)


def pixel_grid(source: Source, cols: int, rows: int) -> list[list[Pixel]] | None:
    """At most `cols` x `2*rows` pixels, aspect kept (terminal cells are about 1:2)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(source) as img:
                img.draft("RGB", (cols * 4, rows * 8))
                small = (ImageOps.exif_transpose(img) or img).convert("RGB")
                small.thumbnail((cols, rows * 2))
                width, height = small.size
                data = cast(list[Pixel], list(small.get_flattened_data()))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):  # fmt: skip
        return None
    return [data[y * width : (y + 1) * width] for y in range(height)]


def thumbnail(source: Source, max_side: int) -> Image.Image | None:
    """The image reduced to at most `max_side` pixels (for terminals with real graphics)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(source) as img:
                img.draft("RGB", (max_side, max_side))
                small = (ImageOps.exif_transpose(img) or img).convert("RGB")
                small.thumbnail((max_side, max_side))
                return small
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):  # fmt: skip
        return None
