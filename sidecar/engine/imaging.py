"""Image bytes -> perceptual hashes, decoding as little as possible.

JPEGs are decoded at reduced scale (Pillow draft mode: the DCT does the downscaling), RAW
files through their embedded preview (rawpy), HEIC/HEIF through their embedded thumbnail when
it is large enough (HEIF_THUMBNAIL_EDGE), else in full (pillow-heif); EXIF orientation is
applied. Every failure becomes a short reason instead of an exception. The functions are plain
and picklable: they run in worker processes (or any Executor's workers)."""

from __future__ import annotations

import io
import os
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pillow_heif
from PIL import Image, ImageOps, TiffImagePlugin, UnidentifiedImageError

from sidecar.engine import lanczos
from sidecar.engine.core.fingerprint import (
    NO_FACTS,
    SIDE_VIEWS,
    ZOOMS,
    ExifFacts,
    Fingerprint,
    FingerprintFailure,
    NoThumbnail,
)
from sidecar.engine.core.likeness import THUMB_EDGE, Side
from sidecar.engine.core.media import RAW_EXTENSIONS
from sidecar.engine.lanczos import Box

MAX_PIXELS = 200_000_000  # larger claims are decompression bombs, not photos
DRAFT_EDGE = 256  # decode JPEGs at no less than this on the short side
HASH_EDGE = 160  # long side of the reduced frame the hashes are computed from
# The smallest embedded HEIC/HEIF thumbnail hashed instead of the image (long side, pixels):
# the hashes never see more than HASH_EDGE (pHash reduces to 32x32, dHash to 9x8, the centre
# views are cut from that frame), so a thumbnail this large gives them the same pixels as a
# full decode. Phones embed 320x240 (Apple) to 512x384; smaller ones are not used.
HEIF_THUMBNAIL_EDGE = HASH_EDGE
# The same for a RAW file's embedded preview (a smaller one: the half-size demosaic instead)
RAW_PREVIEW_EDGE = HASH_EDGE

LANCZOS = Image.Resampling.LANCZOS
_T = TypeVar("_T")
pillow_heif.register_heif_opener()  # HEIC/HEIF/AVIF through Pillow


class _NotDecoded(Exception):
    def __init__(self, found: NoThumbnail) -> None:
        self.found = found


def to_signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _pairs(frame: Any, boxes: list[Box], hash_size: int) -> list[int]:
    """(pHash, dHash) of each view (a box of `frame`, 8-bit grayscale values as float64),
    flattened: imagehash's phash and dhash bit for bit (the same LANCZOS reductions, DCT and
    median), the numbers worked out for all views at once."""
    import numpy as np  # with scipy: loaded on first use, commands that never hash start faster
    import scipy.fftpack

    edge = hash_size * 4  # imagehash's highfreq_factor
    small = _reduced(frame, boxes, edge, edge)
    dct = scipy.fftpack.dct(scipy.fftpack.dct(small, axis=1), axis=2)
    low = dct[:, :hash_size, :hash_size].reshape(len(boxes), -1)
    p_bits = low > np.median(low, axis=1, keepdims=True)
    rows = _reduced(frame, boxes, hash_size + 1, hash_size)
    d_bits = (rows[:, :, 1:] > rows[:, :, :-1]).reshape(len(boxes), -1)
    out: list[int] = []
    for p, d in zip(_ints(p_bits), _ints(d_bits), strict=True):
        out += (p, d)
    return out


def _reduced(frame: Any, boxes: list[Box], width: int, height: int) -> Any:
    """The views reduced as Pillow's LANCZOS resize does, stacked (by Pillow for sizes
    lanczos leaves to it)."""
    import numpy as np

    views: list[Any] = []
    for box, done in zip(boxes, lanczos.reduce_views(frame, boxes, width, height), strict=True):
        if done is None:
            left, top, right, bottom = box
            view = Image.fromarray(frame[top:bottom, left:right].astype(np.uint8))
            done = np.asarray(view.resize((width, height), LANCZOS))
        views.append(done)
    return np.stack(views)


def _ints(bits: Any) -> list[int]:
    """Each row of a boolean matrix as an integer, first bit highest; signed 64-bit for 64
    bits (as SQLite stores it)."""
    import numpy as np

    count = bits.shape[1]
    packed = np.packbits(bits, axis=1)
    values = [int.from_bytes(row.tobytes(), "big") >> (-count % 8) for row in packed]
    return [to_signed64(v) for v in values] if count == 64 else values


@dataclass(frozen=True, slots=True)
class Hashes:
    """What the pixels give: (pHash, dHash) of the whole frame, of the centre and one-sided
    views, and the small thumbnail."""

    phash: int
    dhash: int
    zoomed: tuple[int, ...]
    sided: tuple[int, ...]
    thumb: bytes


def _side_box(w: int, h: int, side: Side, cut: float) -> Box:
    dx, dy = round(w * cut), round(h * cut)
    return {
        Side.LEFT: (dx, 0, w, h),
        Side.RIGHT: (0, 0, w - dx, h),
        Side.TOP: (0, dy, w, h),
        Side.BOTTOM: (0, 0, w, h - dy),
    }[side]


def _hashes(img: Image.Image, hash_size: int) -> Hashes:
    """(pHash, dHash) of the whole frame, of each centre view in ZOOMS and each one-sided view
    in SIDE_VIEWS, and the thumbnail. The hashes see 32x32 pixels at most, so the frame is
    first box-reduced to HASH_EDGE pixels on its long side, and the views are cut from that (a
    quarter of the cost; the hashes differ from hashing the full-size frame by a bit at
    most)."""
    import numpy as np

    gray = img if img.mode == "L" else img.convert("L")  # the draft decode gives "L"
    scale = HASH_EDGE / max(gray.size)
    if scale < 1:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.BOX)
    w, h = gray.size
    boxes = [(0, 0, w, h)]
    for cut in ZOOMS:
        dx, dy = round(w * cut), round(h * cut)
        boxes.append((dx, dy, w - dx, h - dy))
    boxes += [_side_box(w, h, side, cut) for side, cut in SIDE_VIEWS]
    pairs = _pairs(np.asarray(gray, dtype=np.float64), boxes, hash_size)
    phash, dhash = pairs[:2]
    zoomed, sided = pairs[2 : 2 + 2 * len(ZOOMS)], pairs[2 + 2 * len(ZOOMS) :]
    thumb = gray.resize((THUMB_EDGE, THUMB_EDGE), Image.Resampling.BOX).tobytes()
    return Hashes(phash, dhash, tuple(zoomed), tuple(sided), thumb)


def frame_hashes(img: Image.Image, hash_size: int) -> tuple[int, int, bytes]:
    """(pHash, dHash, thumbnail) of a whole frame only (a video's sampled frame: no views)."""
    import numpy as np

    gray = img if img.mode == "L" else img.convert("L")
    scale = HASH_EDGE / max(gray.size)
    if scale < 1:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.BOX)
    w, h = gray.size
    phash, dhash = _pairs(np.asarray(gray, dtype=np.float64), [(0, 0, w, h)], hash_size)
    thumb = gray.resize((THUMB_EDGE, THUMB_EDGE), Image.Resampling.BOX).tobytes()
    return phash, dhash, thumb


def _print(hashes: Hashes, width: int, height: int, source: str, **more: Any) -> Fingerprint:
    h = hashes
    return Fingerprint(
        h.phash,
        h.dhash,
        width,
        height,
        source,
        zoomed=h.zoomed,
        sided=h.sided,
        thumb=h.thumb,
        **more,
    )


def _orientation_swaps(img: Image.Image) -> bool:
    try:
        return img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:  # noqa: BLE001 - a broken EXIF block must not fail the image
        return False


def _stamp(value: object) -> str | None:
    """An EXIF "YYYY:MM:DD HH:MM:SS" as ISO without zone, or None."""
    if isinstance(value, str) and len(value) >= 19 and value[:4].isdigit():
        return value[:10].replace(":", "-") + "T" + value[11:19]
    return None


def _text(value: object) -> str | None:
    text = str(value).strip("\x00 ") if value else ""
    return text or None


def _facts(tags: dict[int, object]) -> ExifFacts:
    """(capture time with sub-seconds, make, model, software, metadata written) from merged
    IFD0 + EXIF-IFD tags."""
    taken = _stamp(tags.get(0x9003) or tags.get(0x0132))  # DateTimeOriginal, else DateTime
    if taken is not None:
        subsec = str(tags.get(0x9291) or "").strip()  # SubsecTimeOriginal
        if subsec.isdigit():
            taken += "." + subsec
    return (
        taken,
        _text(tags.get(0x010F)),
        _text(tags.get(0x0110)),
        _text(tags.get(0x0131)),
        _stamp(tags.get(0x0132)),
    )


def _exif_facts(img: Image.Image) -> ExifFacts:
    """(capture time, make, model, software, metadata written) from EXIF; sub-seconds kept
    (bursts need them)."""
    try:
        exif = img.getexif()
        sub = exif.get_ifd(0x8769)
    except Exception:  # noqa: BLE001 - broken EXIF is common and never fatal
        return NO_FACTS
    return _facts({**dict(exif), **dict(sub)})


# The IJG (libjpeg) luminance quantization table at quality 50, in natural order
IJG_ROWS = (
    (16, 11, 10, 16, 24, 40, 51, 61),
    (12, 12, 14, 19, 26, 58, 60, 55),
    (14, 13, 16, 24, 40, 57, 69, 56),
    (14, 17, 22, 29, 51, 87, 80, 62),
    (18, 22, 37, 56, 68, 109, 103, 77),
    (24, 35, 55, 64, 81, 104, 113, 92),
    (49, 64, 78, 87, 103, 121, 120, 101),
    (72, 92, 95, 98, 112, 100, 103, 99),
)
IJG_LUMINANCE = tuple(q for row in IJG_ROWS for q in row)


def jpeg_quality(img: Image.Image) -> int | None:
    """The IJG quality (1-100) a JPEG's luminance table was most likely scaled from, read
    from the header (no decoding): the table's scale against IJG's, over the entries not
    clipped at 255. Other encoders' tables give a comparable number."""
    tables = getattr(img, "quantization", None)
    table = [int(q) for q in tables.get(0, ())] if tables else []
    if len(table) != 64:
        return None
    kept = [(q, s) for q, s in zip(table, IJG_LUMINANCE, strict=True) if q < 255]
    if not kept or all(q <= 1 for q, _ in kept):
        return 100 if kept else 1
    scale = 100 * sum(q for q, _ in kept) / sum(s for _, s in kept)
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, round(quality)))


def _from_pillow(
    img: Image.Image, hash_size: int, source: str, heif_in_full: bool = True
) -> Fingerprint:
    width, height = img.size
    facts = _exif_facts(img)
    quality = jpeg_quality(img) if img.format == "JPEG" else None
    if img.width * img.height > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{img.width}x{img.height}")
    if img.format == "JPEG":
        img.draft("L", (DRAFT_EDGE, DRAFT_EDGE))  # luminance only: all the hashes use
        source = "jpeg-draft"
    elif img.format == "HEIF":
        source = "heif-thumbnail" if heif_thumbnail(img, HEIF_THUMBNAIL_EDGE) else "heif-full"
        if source == "heif-full" and not heif_in_full:
            raise _NotDecoded(NoThumbnail(width, height, facts))
    swapped = _orientation_swaps(img)
    ImageOps.exif_transpose(img, in_place=True)  # (a copy of a full decode costs ms)
    if swapped:
        width, height = height, width
    fp = _print(_hashes(img, hash_size), width, height, source, quality=quality)
    return fp.with_exif(facts)


def heif_thumbnail(img: Image.Image, edge: int) -> bool:
    """Have `img` (an opened HEIC/HEIF) decode its smallest embedded thumbnail whose long side
    is at least `edge` pixels instead of the image; whether there was one. pillow-heif's
    `draft` takes only a scaled copy of the image (same aspect, crop, orientation and colour
    profile) and skips a thumbnail that fails to decode."""
    width, height = img.size
    longest = max(width, height)
    if longest <= edge:
        return False
    need = (max(1, width * edge // longest), max(1, height * edge // longest))
    return img.draft(None, need) is not None


# TIFF-based RAW files: the TIFF byte orders with TIFF's magic number or a maker's own
# (Olympus ORF "RO"/"RS", Panasonic RW2 "U"); their directories read as TIFF's
RAW_TIFF_MAGIC = {
    b"II*\x00": b"II*\x00",
    b"MM\x00*": b"MM\x00*",
    b"IIRO": b"II*\x00",
    b"IIRS": b"II*\x00",
    b"MMOR": b"MM\x00*",
    b"IIU\x00": b"II*\x00",
}


def _raw_exif(path: str) -> ExifFacts:
    """EXIF of TIFF-based RAW files (DNG, CR2, NEF, ARW, ORF, RW2, ...), read from the TIFF
    directories without decoding any pixels."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(8)
            magic = RAW_TIFF_MAGIC.get(header[:4])
            if magic is None:
                return NO_FACTS
            header = magic + header[4:]
            ifd0 = TiffImagePlugin.ImageFileDirectory_v2(header)
            fh.seek(ifd0.next)
            ifd0.load(fh)
            tags: dict[int, object] = dict(ifd0)
            if 0x8769 in ifd0:
                sub = TiffImagePlugin.ImageFileDirectory_v2(header)
                fh.seek(int(ifd0[0x8769]))
                sub.load(fh)
                tags.update(dict(sub))
    except (OSError, ValueError, SyntaxError, struct.error, KeyError, TypeError):
        return NO_FACTS
    return _facts(tags)


def _preview_facts(fp: Fingerprint) -> ExifFacts:
    """The EXIF a RAW's preview came with. A preview without EXIF of its own gets a stand-in
    from libraw (Software "dcraw ...", its own spelling of the model, the epoch when it knows
    no time): of that only the time, make and model are kept, and the time only when known."""
    facts = (fp.taken_at, fp.make, fp.model, fp.software, fp.modified_at)
    if not (fp.software or "").startswith("dcraw"):
        return facts
    epoch = fp.taken_at is not None and fp.taken_at[:10] in ("1970-01-01", "1969-12-31")
    return (None if epoch else fp.taken_at, fp.make, fp.model, None, None)


class _NoImageData(Exception):
    """A RAW file whose mosaic is all zeros: cut off (a copy that stopped) or stripped."""


def _from_raw(path: str, hash_size: int) -> Fingerprint:
    """A RAW file's hashes from its embedded preview (else a half-size demosaic), with the
    file's own EXIF where it has it (the preview's otherwise: CR3, RAF, ...)."""
    fp = _from_raw_pixels(path, hash_size)
    own, preview = _raw_exif(path), _preview_facts(fp)
    taken, make, model, software, modified = (
        mine if mine is not None else theirs for mine, theirs in zip(own, preview, strict=True)
    )
    return fp.with_exif((taken, make, model, software, modified))


def _from_raw_pixels(path: str, hash_size: int) -> Fingerprint:
    import rawpy  # libraw is loaded only for RAW files

    with rawpy.imread(path) as raw:
        sizes = raw.sizes
        width, height = sizes.width, sizes.height
        if sizes.flip in (5, 6):
            width, height = height, width
        try:
            thumb = raw.extract_thumb()
        except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
            thumb = None
        if thumb is not None and thumb.format == rawpy.ThumbFormat.JPEG:
            with Image.open(io.BytesIO(bytes(thumb.data))) as img:
                if max(img.size) >= RAW_PREVIEW_EDGE:
                    fp = _from_pillow(img, hash_size, "raw-preview")
                    return replace(
                        fp, width=width, height=height, source="raw-preview", quality=None
                    )
        if thumb is not None and thumb.format == rawpy.ThumbFormat.BITMAP:
            bitmap = Image.fromarray(thumb.data)  # type: ignore[arg-type]
            if max(bitmap.size) >= RAW_PREVIEW_EDGE:
                return _print(_hashes(bitmap, hash_size), width, height, "raw-preview")
        if not raw.raw_image_visible.any():
            raise _NoImageData
        rgb = raw.postprocess(half_size=True, use_camera_wb=True, no_auto_bright=False)
    return _print(_hashes(Image.fromarray(rgb), hash_size), width, height, "raw-half")


def fingerprint_file(
    path: str, hash_size: int = 8, heif_in_full: bool = True
) -> Fingerprint | FingerprintFailure | NoThumbnail:
    """Perceptual hashes of the image at `path`, or why there are none. `heif_in_full=False`:
    a HEIC/HEIF without a thumbnail large enough is not decoded (NoThumbnail instead)."""
    try:
        if os.path.getsize(path) == 0:
            return FingerprintFailure("empty file")
        ext = os.path.splitext(path)[1].lower()
        if ext in RAW_EXTENSIONS:
            try:
                return _from_raw(path, hash_size)
            except _NoImageData:
                return FingerprintFailure("the RAW file holds no image data (cut off?)")
            except Exception as exc:  # noqa: BLE001 - libraw raises many types
                # some "RAW" extensions hold a TIFF/JPEG Pillow can read (e.g. some DNGs)
                raw_error = f"RAW decoder: {type(exc).__name__}"
            try:
                fp = _decode(path, hash_size)
            except (UnidentifiedImageError, OSError, ValueError):
                fp = None
            # a RAW's first TIFF directory is often only a small thumbnail: not its picture
            if fp is None or max(fp.width, fp.height) < RAW_PREVIEW_EDGE:
                return FingerprintFailure(f"cannot decode this RAW file ({raw_error})")
            return fp
        return _decode(path, hash_size, heif_in_full)
    except _NotDecoded as undecoded:
        return undecoded.found
    except FileNotFoundError:
        return FingerprintFailure("file vanished")
    except PermissionError:
        return FingerprintFailure("permission denied")
    except Image.DecompressionBombError:
        return FingerprintFailure("image dimensions too large (possible decompression bomb)")
    except UnidentifiedImageError:
        return FingerprintFailure("not a recognised image (corrupt, or wrong file extension)")
    except OSError as exc:
        text = str(exc)
        if "truncated" in text:
            return FingerprintFailure("truncated image")
        return FingerprintFailure(f"cannot decode: {text[:80]}")
    except (ValueError, SyntaxError, MemoryError) as exc:
        if "end of file" in str(exc).lower():  # libheif's words for a cut-off HEIC
            return FingerprintFailure("truncated image")
        return FingerprintFailure(f"cannot decode: {type(exc).__name__}: {str(exc)[:60]}")


def _from_bytes(data: bytes, use: Callable[[Image.Image], _T]) -> _T | FingerprintFailure:
    """`use` applied to the image held in `data`, or why it cannot be decoded."""
    if not data:
        return FingerprintFailure("empty image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return use(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return FingerprintFailure("image dimensions too large (possible decompression bomb)")
    except UnidentifiedImageError:
        return FingerprintFailure("not a recognised image")
    except (OSError, ValueError, SyntaxError) as exc:
        return FingerprintFailure(f"cannot decode: {str(exc)[:80]}")


def fingerprint_bytes(
    data: bytes, hash_size: int = 8, source: str = "bytes"
) -> Fingerprint | FingerprintFailure:
    """The same for an image held in memory (e.g. a thumbnail fetched from Immich)."""
    return _from_bytes(data, lambda img: _from_pillow(img, hash_size, source))


def frame_of_bytes(
    data: bytes, hash_size: int, flat_below: float
) -> tuple[int, int, bytes, bool] | FingerprintFailure:
    """An image held in memory as one video frame (Immich's thumbnail of a video): its
    (pHash, dHash, thumbnail) and whether it is flat (grey values spread less than
    `flat_below`)."""
    import numpy as np

    def frame(img: Image.Image) -> tuple[int, int, bytes, bool]:
        gray = img.convert("L")
        phash, dhash, thumb = frame_hashes(gray, hash_size)
        return phash, dhash, thumb, float(np.asarray(gray, dtype=np.float32).std()) < flat_below

    return _from_bytes(data, frame)


def _decode(path: str, hash_size: int, heif_in_full: bool = True) -> Fingerprint:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as img:
                return _from_pillow(img, hash_size, "pillow", heif_in_full)
        except Image.DecompressionBombWarning as exc:
            raise Image.DecompressionBombError(str(exc)) from None
