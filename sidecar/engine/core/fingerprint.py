"""What a fingerprint is, apart from how it is made (pure; engine.imaging makes them): the
views hashed besides the whole frame, the record of one image's hashes and facts, and the two
answers that are not one. Kept here so the services that store, search and compare fingerprints
import no image library (numpy, Pillow) until they decode something."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sidecar.engine.core.likeness import Side

# Centre views hashed besides the whole frame: the fraction cut from every side. A slightly
# cropped copy looks like one of these views of its original (pHash tolerates about one
# percent of misalignment, so two views cover crops of about 1.5-6% per side).
ZOOMS = (0.025, 0.05)
# Views cut from one side only, hashed too: (side, fraction) for each side, each cut. A copy
# cropped 3-11% from one side looks like one of them within the strict pHash threshold, also
# when it was edited besides (engine.core.likeness confirms it).
SIDE_VIEWS = tuple((side, cut) for side in Side for cut in (0.04, 0.07, 0.10))

# (capture time with sub-seconds, make, model, software, metadata written), from EXIF
ExifFacts = tuple[str | None, str | None, str | None, str | None, str | None]
NO_FACTS: ExifFacts = (None, None, None, None, None)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    phash: int  # signed 64-bit (as SQLite stores it) for the default hash size
    dhash: int
    width: int  # of the original image, after EXIF orientation
    height: int
    source: str  # how the pixels were obtained: jpeg-draft, heif-thumbnail, heif-full,
    # raw-preview, raw-half, pillow, ...
    taken_at: str | None = None  # EXIF DateTimeOriginal with sub-seconds, ISO without zone
    make: str | None = None
    model: str | None = None
    zoomed: tuple[int, ...] = ()  # (pHash, dHash) of each ZOOMS view, flattened
    software: str | None = None  # EXIF Software: an editor's name says the file was edited
    modified_at: str | None = None  # EXIF DateTime: when the file's metadata was last written
    quality: int | None = None  # estimated JPEG quality (jpeg_quality); None for other formats
    sided: tuple[int, ...] = ()  # (pHash, dHash) of each SIDE_VIEWS view, flattened
    thumb: bytes = b""  # THUMB_EDGE x THUMB_EDGE 8-bit grayscale of the whole frame

    def with_exif(self, facts: ExifFacts) -> Fingerprint:
        taken, make, model, software, modified = facts
        return replace(
            self, taken_at=taken, make=make, model=model, software=software, modified_at=modified
        )


@dataclass(frozen=True, slots=True)
class FingerprintFailure:
    reason: str


@dataclass(frozen=True, slots=True)
class NoThumbnail:
    """A HEIC/HEIF with no embedded thumbnail large enough, left undecoded when asked to
    (`heif_in_full=False`): its size and EXIF, for hashes made from other pixels (Immich's
    thumbnail of it) or from a full decode after all."""

    width: int
    height: int
    facts: ExifFacts
