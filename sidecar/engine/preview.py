"""Tiny previews for a terminal: an image reduced to a grid of RGB pixels (two pixel rows per
text row, drawn with half blocks by the TUI), or to a small image for terminals with real
graphics. JPEGs decode through the fast draft path, RAW files through their embedded preview
(rawpy; libraw is the one decoder that may crash a process, so callers run RAW previews in a
worker process: see `is_raw`), HEIC through its embedded thumbnail when that covers the size
asked for (a terminal's pixel grid, a few dozen to about 150 pixels a side, fits in a phone's
320x240 thumbnail; graphics previews of 512 pixels and more mostly need the full image), else
pillow-heif's full decode. A video file shows its poster frame (the frame at
`core.video.POSTER`'s sample, as the fingerprint keeps it), decoded with PyAV: one seek and the
frames from the key frame before it; a damaged or unsupported video is no preview. Failures give
None, never an exception."""

from __future__ import annotations

import io
import os
import warnings
from typing import IO, Any, cast

import pillow_heif
from PIL import Image, ImageOps

from sidecar.engine.core.media import RAW_EXTENSIONS, VIDEO_EXTENSIONS
from sidecar.engine.core.video import POSTER, SAMPLES

pillow_heif.register_heif_opener()

Pixel = tuple[int, int, int]
Source = str | bytes  # a file's path, or an image's bytes (e.g. Immich's thumbnail)
FAILURES = (
    OSError,
    ValueError,
    SyntaxError,
    Image.DecompressionBombWarning,
    Image.DecompressionBombError,
)


def is_raw(source: Source | None) -> bool:
    return isinstance(source, str) and os.path.splitext(source)[1].lower() in RAW_EXTENSIONS


def is_video(source: Source | None) -> bool:
    return isinstance(source, str) and os.path.splitext(source)[1].lower() in VIDEO_EXTENSIONS


MAX_FORWARD = 600  # frames decoded at most after the seek (a key frame every 20 s at 30 fps)


def _poster(path: str) -> Image.Image:
    """The video's poster frame as RGB, turned as it is shown (OSError when there is none)."""
    import av  # FFmpeg is loaded only when a video is previewed

    try:
        container: Any
        with av.open(path, metadata_errors="ignore") as container:
            if not container.streams.video:
                raise OSError("no video stream")
            stream: Any = container.streams.video[0]
            if stream.duration and stream.time_base:
                length = float(stream.duration * stream.time_base)
            else:
                length = (container.duration or 0) / 1_000_000
            base = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
            target = base + length * SAMPLES[POSTER]
            if stream.time_base and length > 0:
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            found: Any = None
            for n, frame in enumerate(container.decode(stream)):
                found = frame
                if frame.time is None or frame.time >= target - 0.001 or n >= MAX_FORWARD:
                    break
            if found is None:
                raise OSError("no frame to decode")
            img: Image.Image = found.to_image()
            turn = round(getattr(found, "rotation", 0) or 0) % 360
            return img.rotate(turn, expand=True) if turn else img
    except av.error.FFmpegError as exc:
        raise OSError(str(exc)) from None


def _raw_preview(path: str, size: tuple[int, int]) -> Image.Image:
    """The camera's embedded preview (or a half-size demosaic when there is none)."""
    import rawpy  # libraw is loaded only for RAW files

    try:
        with rawpy.imread(path) as raw:
            try:
                thumb = raw.extract_thumb()
            except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
                thumb = None
            if thumb is not None and thumb.format == rawpy.ThumbFormat.JPEG:
                img = Image.open(io.BytesIO(bytes(thumb.data)))
                img.draft("RGB", (size[0] * 4, size[1] * 4))
                return img
            if thumb is not None and thumb.format == rawpy.ThumbFormat.BITMAP:
                return Image.fromarray(thumb.data)  # type: ignore[arg-type]
            return Image.fromarray(raw.postprocess(half_size=True, use_camera_wb=True))
    except rawpy.LibRawError as exc:
        raise OSError(str(exc)) from None


def _heif_draft(img: Image.Image, size: tuple[int, int]) -> None:
    """Decode the smallest embedded thumbnail that still fills `size` once fitted into it (a
    thumbnail is already a filtered reduction: unlike a JPEG draft it needs no margin);
    pillow-heif takes only a scaled copy of the image, else the whole image is decoded."""
    scale = min(size[0] / img.width, size[1] / img.height)
    if scale < 1:
        img.draft(None, (max(1, int(img.width * scale)), max(1, int(img.height * scale))))


def _reduced(source: Source, size: tuple[int, int]) -> Image.Image:
    """The image as RGB, reduced to fit `size` (aspect kept), orientation applied."""
    if is_video(source):
        opened = _poster(cast(str, source))
    elif is_raw(source):
        opened = _raw_preview(cast(str, source), size)
    else:
        stream: str | IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
        opened = Image.open(stream)
        if opened.format == "HEIF":
            _heif_draft(opened, size)
        else:
            opened.draft("RGB", (size[0] * 4, size[1] * 4))
    with opened:
        small = (ImageOps.exif_transpose(opened) or opened).convert("RGB")
    small.thumbnail(size)
    return small


def pixel_grid(source: Source, cols: int, rows: int) -> list[list[Pixel]] | None:
    """At most `cols` x `2*rows` pixels, aspect kept (terminal cells are about 1:2)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            small = _reduced(source, (cols, rows * 2))
    except FAILURES:
        return None
    width, height = small.size
    data = cast(list[Pixel], list(small.get_flattened_data()))
    return [data[y * width : (y + 1) * width] for y in range(height)]


def thumbnail(source: Source, max_side: int) -> Image.Image | None:
    """The image reduced to at most `max_side` pixels (for terminals with real graphics)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reduced(source, (max_side, max_side))
    except FAILURES:
        return None
