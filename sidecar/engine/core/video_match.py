"""Two videos compared (pure): one clip in two encodings (a duplicate), or a trimmed copy of a
longer clip (a variant, never a duplicate).

- Duplicate: the durations agree within DURATION_SLACK_MS or DURATION_SHARE of the longer (two
  encodings of one clip differ by a frame or two and the container's rounding; a copy shorter
  than that is cut, and a cut copy is a trim however little is cut: frames sampled at the same
  fractions of two lengths are moments a little apart, alike in a slow scene), and every
  sampled frame of one is near the frame sampled at the same fraction of the other
  (frames sampled at the same fraction show the same moment whatever the frame rate, bitrate
  or size): at least half of them within the hash thresholds, and none further than
  FRAME_SLACK_BITS beyond them (a low bitrate blurs a frame of little texture, a sky, by a few
  bits more than a photo's recompression; eight frames are far more evidence than one photo).
  Flat frames (black, one colour) are no evidence: a flat frame against a picture is a
  difference, two flat frames are passed over, and at least MIN_EVIDENCE frames must be
  pictures.
- A fingerprint from Immich's thumbnail has one frame, taken where Immich took it: it matches
  when the durations agree within ONE_FRAME_SLACK_MS or ONE_FRAME_SHARE (Immich's duration is
  the container's, which an audio track may make longer than the video's) and that frame is
  within the thresholds of one of the other's frames (a weaker test, said in the reasons).
- Trim: the shorter is at least MIN_TRIM_MS long and shorter than the longer beyond the
  duplicate's slack; its sampled frames match frames of the longer (within the thresholds
  plus TRIM_SLACK_BITS: the frames sampled are not quite the same moments) at one offset (the
  place the shorter starts in the longer, within TRIM_OFFSET_SLACK_MS), for at least
  MIN_TRIM_FRAMES of its frames;
  each frame of the longer used once; and nothing contradicts it: every picture frame of the
  longer within the shorter's stretch looks like a frame of the shorter sampled near it.
  The shorter lies inside the longer (two overlapping cuts of one clip are each a trim of the
  original, not of each other). A shorter clip whose frames all look alike (a static shot)
  fits anywhere: it is no trim. The offset is the median of the agreeing frames' offsets,
  weighted towards the closest matches (the sampled moments fall between each other's).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sidecar.engine.core.video import IMMICH_SOURCE, VideoPrint

# two encodings of one clip: a frame or two (measured: 20-42 ms between 24, 25, 30 and 60 fps
# encodings of one clip), container rounding; or this share of the longer (a 29.97 fps clip
# retimed to 30 fps is 0.1 % shorter)
DURATION_SLACK_MS = 150
DURATION_SHARE = 0.0025
ONE_FRAME_SLACK_MS = 500  # Immich's duration (the container's) against a video stream's
ONE_FRAME_SHARE = 0.02
FRAME_SLACK_BITS = 4  # how much further than the thresholds one frame of a duplicate may be
MIN_EVIDENCE = 2  # frames that are pictures (not flat) a duplicate needs
MIN_TRIM_MS = 1_000  # a shorter clip than this is no trim worth naming
TRIM_SLACK_BITS = 4  # how much further a trim's frames may be (sampled moments differ)
TRIM_OFFSET_SLACK_MS = 400  # frames matched at offsets this close agree on one offset
MIN_TRIM_FRAMES = 3  # frames of the shorter that must match at that offset
SAME_MOMENT_MS = 80  # a frame of the shorter this close to one of the longer shows it


class Relation(StrEnum):
    DUPLICATE = "duplicate"
    TRIM = "trim"


@dataclass(frozen=True, slots=True)
class VideoRules:
    phash: int  # the near-duplicate thresholds ([analysis] near_threshold, near_dhash_threshold)
    dhash: int


@dataclass(frozen=True, slots=True)
class VideoMatch:
    relation: Relation
    # a duplicate: the distances within which at least half of the frames are (the lower
    # median: those held to the thresholds; the others may be up to FRAME_SLACK_BITS further);
    # a trim: the largest among the agreeing frames; Immich's one frame: that frame's
    phash: int
    dhash: int
    frames: int  # frames compared (that matched)
    offset_ms: int = 0  # a trim: where the shorter starts in the longer
    one_frame: bool = False  # a duplicate found from Immich's thumbnail (one frame)


def _distance(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


def same_length(a_ms: int | None, b_ms: int | None) -> bool:
    """Long alike enough for two encodings of one clip (beyond: at most a trim)."""
    if a_ms is None or b_ms is None:
        return False
    slack = max(DURATION_SLACK_MS, DURATION_SHARE * max(a_ms, b_ms))
    return abs(a_ms - b_ms) <= slack


def _about_as_long(a_ms: int, b_ms: int) -> bool:
    """Long alike enough when one duration is Immich's (the container's)."""
    slack = max(ONE_FRAME_SLACK_MS, ONE_FRAME_SHARE * max(a_ms, b_ms))
    return abs(a_ms - b_ms) <= slack


def _duplicate(a: VideoPrint, b: VideoPrint, rules: VideoRules) -> VideoMatch | None:
    if a.samples != b.samples or not a.samples:
        return None
    ps: list[int] = []
    ds: list[int] = []
    for i in range(a.samples):
        if a.flat[i] and b.flat[i]:
            continue
        if a.flat[i] != b.flat[i]:
            return None
        p, d = _distance(a.phash(i), b.phash(i)), _distance(a.dhash(i), b.dhash(i))
        if p > rules.phash + FRAME_SLACK_BITS or d > rules.dhash + FRAME_SLACK_BITS:
            return None
        ps.append(p)
        ds.append(d)
    if len(ps) < MIN_EVIDENCE:
        return None
    if _half_within(ps) > rules.phash or _half_within(ds) > rules.dhash:
        return None
    # the distances the rule holds to the thresholds: at least half the frames within them
    # (so the edge is within the thresholds like a photo's, under the same complete linkage)
    return VideoMatch(Relation.DUPLICATE, _half_within(ps), _half_within(ds), len(ps))


def _half_within(values: list[int]) -> int:
    """The distance within which at least half of the frames are (the lower median)."""
    return sorted(values)[(len(values) - 1) // 2]


def _one_frame(a: VideoPrint, b: VideoPrint, rules: VideoRules) -> VideoMatch | None:
    """`a` has one frame (Immich's thumbnail): matched against any of `b`'s pictures."""
    if not a.samples or a.flat[0]:
        return None
    best: tuple[int, int] | None = None
    for i in range(b.samples):
        if b.flat[i]:
            continue
        p, d = _distance(a.phash(0), b.phash(i)), _distance(a.dhash(0), b.dhash(i))
        if p <= rules.phash and d <= rules.dhash and (best is None or (p, d) < best):
            best = (p, d)
    if best is None:
        return None
    return VideoMatch(Relation.DUPLICATE, best[0], best[1], 1, one_frame=True)


def _trim(longer: VideoPrint, shorter: VideoPrint, rules: VideoRules) -> VideoMatch | None:
    long_ms, short_ms = longer.facts.duration_ms or 0, shorter.facts.duration_ms or 0
    if short_ms < MIN_TRIM_MS or not longer.samples or not shorter.samples:
        return None
    if _static(shorter, rules):
        return None
    loose_p, loose_d = rules.phash + TRIM_SLACK_BITS, rules.dhash + TRIM_SLACK_BITS
    lo, hi = -TRIM_OFFSET_SLACK_MS, long_ms - short_ms + TRIM_OFFSET_SLACK_MS
    found: list[tuple[int, int, int, int, int]] = []  # (offset, shorter's, longer's, p, d)
    for j in range(shorter.samples):
        if shorter.flat[j]:
            continue
        for i in range(longer.samples):
            if longer.flat[i]:
                continue
            offset = longer.times_ms[i] - shorter.times_ms[j]
            if not lo <= offset <= hi:
                continue
            p = _distance(longer.phash(i), shorter.phash(j))
            d = _distance(longer.dhash(i), shorter.dhash(j))
            if p <= loose_p and d <= loose_d:
                found.append((offset, j, i, p, d))
    chosen = _best_offset(found)
    if chosen is None or len(chosen) < MIN_TRIM_FRAMES:
        return None
    frames = len(chosen)
    offset = _weighted_median([(o, 1.0 / (1 + p + d)) for o, _, p, d in chosen])
    offset = min(max(0, offset), max(0, long_ms - short_ms))
    if _contradicted(longer, shorter, offset, rules):
        return None
    worst_p = max(p for _, _, p, _ in chosen)
    worst_d = max(d for _, _, _, d in chosen)
    return VideoMatch(Relation.TRIM, worst_p, worst_d, frames, offset_ms=offset)


def _best_offset(
    found: list[tuple[int, int, int, int, int]],
) -> list[tuple[int, int, int, int]] | None:
    """The frames that agree on one offset: around each offset found, the closest match of
    each frame of the shorter within TRIM_OFFSET_SLACK_MS, each frame of the longer used once
    (two frames of the shorter between two of the longer may both look like one of them);
    the most frames win, then the closest (the least bits in all). Each: (offset, the
    longer's frame, pHash, dHash)."""
    best: tuple[int, int, list[tuple[int, int, int, int]]] | None = None
    for centre, *_ in found:
        near = sorted(
            (p + d, j, i, o, p, d)
            for o, j, i, p, d in found
            if abs(o - centre) <= TRIM_OFFSET_SLACK_MS
        )
        used_j: set[int] = set()
        used_i: set[int] = set()
        chosen: list[tuple[int, int, int, int]] = []
        for _, j, i, o, p, d in near:  # closest first
            if j not in used_j and i not in used_i:
                used_j.add(j)
                used_i.add(i)
                chosen.append((o, i, p, d))
        score = (len(chosen), -sum(p + d for _, _, p, d in chosen))
        if best is None or score > best[:2]:
            best = (*score, chosen)
    return None if best is None else best[2]


def _weighted_median(values: list[tuple[int, float]]) -> int:
    """The value where half the weight lies on either side (the mean of two at a tie)."""
    ordered = sorted(values)
    half = sum(w for _, w in ordered) / 2
    seen = 0.0
    for n, (value, weight) in enumerate(ordered):
        seen += weight
        if abs(seen - half) < 1e-9 and n + 1 < len(ordered):
            return round((value + ordered[n + 1][0]) / 2)
        if seen > half:
            return value
    return ordered[-1][0]


def _static(clip: VideoPrint, rules: VideoRules) -> bool:
    """All the clip's picture frames look alike: nothing tells where it was cut."""
    pictures = [i for i in range(clip.samples) if not clip.flat[i]]
    return all(
        _distance(clip.phash(i), clip.phash(j)) <= rules.phash
        for n, i in enumerate(pictures)
        for j in pictures[n + 1 :]
    )


def _contradicted(longer: VideoPrint, shorter: VideoPrint, offset: int, rules: VideoRules) -> bool:
    """A frame of the longer within the shorter's stretch (at `offset`) that no frame of the
    shorter near that moment looks like (within the loose thresholds), or a flat frame of one
    on the very moment of a picture of the other: not the same clip."""
    loose_p, loose_d = rules.phash + TRIM_SLACK_BITS, rules.dhash + TRIM_SLACK_BITS
    times = [t + offset for t in shorter.times_ms]
    spacing = max(SAME_MOMENT_MS, (times[-1] - times[0]) // max(1, len(times) - 1))
    for i in range(longer.samples):
        at = longer.times_ms[i]
        if not times[0] <= at <= times[-1]:
            continue
        near = [j for j, t in enumerate(times) if abs(t - at) <= spacing]
        if any(
            abs(times[j] - at) <= SAME_MOMENT_MS and shorter.flat[j] != longer.flat[i] for j in near
        ):
            return True
        if longer.flat[i]:
            continue
        if not any(
            not shorter.flat[j]
            and _distance(longer.phash(i), shorter.phash(j)) <= loose_p
            and _distance(longer.dhash(i), shorter.dhash(j)) <= loose_d
            for j in near
        ):
            return True
    return False


def compare(a: VideoPrint, b: VideoPrint, rules: VideoRules) -> VideoMatch | None:
    """How `a` and `b` relate, or None. A trim's offset is into the longer of the two."""
    a_ms, b_ms = a.facts.duration_ms, b.facts.duration_ms
    if a_ms is None or b_ms is None:
        return None
    if a.source == IMMICH_SOURCE or b.source == IMMICH_SOURCE:
        # one frame at an unknown moment: the same clip or nothing (no trim is told from it)
        if not _about_as_long(a_ms, b_ms):
            return None
        return _one_frame(a, b, rules) if a.source == IMMICH_SOURCE else _one_frame(b, a, rules)
    if same_length(a_ms, b_ms):
        return _duplicate(a, b, rules)
    longer, shorter = (a, b) if a_ms > b_ms else (b, a)
    return _trim(longer, shorter, rules)
