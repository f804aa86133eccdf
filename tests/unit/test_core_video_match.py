"""The rules telling one clip in two encodings (a duplicate) and a trimmed copy (a variant)
from other clips, on synthetic fingerprints: a clip is a scene that changes with time (a
frame's hash drifts one bit every STEP_MS), sampled at the fixed fractions."""

from __future__ import annotations

import random
from collections.abc import Callable

from sidecar.engine.core.video import IMMICH_SOURCE, LOCAL_SOURCE, SAMPLES, VideoFacts, VideoPrint
from sidecar.engine.core.video_match import (
    DURATION_SHARE,
    DURATION_SLACK_MS,
    FRAME_SLACK_BITS,
    MIN_TRIM_MS,
    Relation,
    VideoRules,
    compare,
    same_length,
)

RULES = VideoRules(phash=4, dhash=6)
STEP_MS = 150  # the scene's hashes drift one bit every this long
Scene = Callable[[int], tuple[int, int]]


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def scene(seed: int, step_ms: int = STEP_MS) -> Scene:
    """A filmed scene: its (pHash, dHash) at each moment (ms), one more bit flipped every
    `step_ms` (so frames further apart in time are further apart in hash)."""
    rng = random.Random(seed)
    base_p, base_d = rng.getrandbits(64), rng.getrandbits(64)
    perm_p, perm_d = rng.sample(range(64), 64), rng.sample(range(64), 64)

    def at(ms: int) -> tuple[int, int]:
        step = min(63, max(0, ms // step_ms))
        p = base_p ^ sum(1 << b for b in perm_p[:step])
        d = base_d ^ sum(1 << b for b in perm_d[:step])
        return _signed(p), _signed(d)

    return at


def clip(
    view: Scene,
    duration_ms: int,
    start_ms: int = 0,
    *,
    flat: tuple[bool, ...] = (False,) * len(SAMPLES),
    noise: tuple[int, ...] = (0,) * len(SAMPLES),
    backwards: bool = False,
) -> VideoPrint:
    """The fingerprint of `duration_ms` of the scene from `start_ms` (played backwards: from
    its end); `noise` flips that many low bits of each sampled frame's pHash (an encoding's)."""
    times = tuple(round(duration_ms * f) for f in SAMPLES)
    frames: list[int] = []
    for t, bits in zip(times, noise, strict=True):
        moment = start_ms + (duration_ms - t if backwards else t)
        p, d = view(moment)
        frames += (p ^ ((1 << bits) - 1), d)
    facts = VideoFacts(duration_ms=duration_ms, width=640, height=360, fps=30.0, codec="h264")
    return VideoPrint(facts, LOCAL_SOURCE, tuple(frames), times, flat)


def one_frame(view: Scene, duration_ms: int, at_ms: int) -> VideoPrint:
    """What Immich's thumbnail and duration give: one frame, taken where Immich took it."""
    facts = VideoFacts(duration_ms=duration_ms)
    return VideoPrint(facts, IMMICH_SOURCE, view(at_ms), (at_ms,), (False,))


SCENE = scene(1)


def test_two_encodings_of_one_clip_are_duplicates() -> None:
    a = clip(SCENE, 8_000)
    b = clip(SCENE, 8_000, noise=(2, 0, 4, 0, 1, 0, 3, 0))
    match = compare(a, b, RULES)
    assert match is not None
    assert match.relation is Relation.DUPLICATE
    assert (match.phash, match.frames) == (0, 8)  # half the frames within 0 bits
    assert compare(b, a, RULES) == match


def test_frames_may_be_a_few_bits_further_but_half_must_be_within() -> None:
    a = clip(SCENE, 8_000)
    worst = RULES.phash + FRAME_SLACK_BITS
    one_off = clip(SCENE, 8_000, noise=(worst, 4, 2, 0, 0, 0, 0, 0))
    match = compare(a, one_off, RULES)
    assert match is not None
    assert match.phash == 0  # half the frames': within the threshold like a photo's
    too_far = clip(SCENE, 8_000, noise=(worst + 1, 0, 0, 0, 0, 0, 0, 0))
    assert compare(a, too_far, RULES) is None
    # five of eight frames beyond the threshold: not half within it
    typical_off = clip(SCENE, 8_000, noise=(6, 6, 6, 6, 6, 0, 0, 0))
    assert compare(a, typical_off, RULES) is None
    half = clip(SCENE, 8_000, noise=(6, 6, 6, 6, 4, 0, 0, 0))
    found = compare(a, half, RULES)
    assert found is not None
    assert found.phash == 4


def test_durations_agree_within_the_slack_or_the_share() -> None:
    assert same_length(8_000, 8_000 + DURATION_SLACK_MS)
    assert not same_length(8_000, 8_000 + DURATION_SLACK_MS + 1)
    slack = round(DURATION_SHARE * 120_000)  # a share of the longer, for long clips
    assert slack > DURATION_SLACK_MS
    assert same_length(120_000 - slack, 120_000)
    assert not same_length(120_000 - slack - 1, 120_000)
    assert not same_length(None, 8_000)
    a = clip(SCENE, 8_000)
    assert compare(a, clip(SCENE, 8_000 + DURATION_SLACK_MS), RULES) is not None
    # beyond the slack the clips are not one clip: at most a trim (here: no offset fits)
    longer = compare(a, clip(SCENE, 8_000 + DURATION_SLACK_MS + 300), RULES)
    assert longer is None or longer.relation is Relation.TRIM


def test_a_copy_cut_by_more_than_a_few_frames_is_a_trim_not_a_duplicate() -> None:
    """Frames sampled at the same fractions of two lengths are moments a little apart, alike
    in a slow scene: a cut copy passes the duplicate's frame test, so the lengths decide.
    A duplicate may be trashed in bulk; a trim is a variant, never a duplicate."""
    full = clip(SCENE, 8_000)
    for cut in (DURATION_SLACK_MS + 50, 450):
        for trimmed in (clip(SCENE, 8_000 - cut, start_ms=cut), clip(SCENE, 8_000 - cut)):
            match = compare(full, trimmed, RULES)
            assert match is not None, cut
            assert match.relation is Relation.TRIM, (cut, match)
    # a slow scene (a hash bit every second), a minute long, the first 1.1 s cut off
    slow = scene(7, step_ms=1_000)
    match = compare(clip(slow, 60_000), clip(slow, 58_900, start_ms=1_100), RULES)
    assert match is not None
    assert match.relation is Relation.TRIM
    assert abs(match.offset_ms - 1_100) <= 400


def test_another_clip_of_the_scene_is_no_duplicate() -> None:
    a = clip(SCENE, 8_000)
    assert compare(a, clip(SCENE, 8_000, backwards=True), RULES) is None
    assert compare(a, clip(scene(2), 8_000), RULES) is None


def test_flat_frames_are_no_evidence() -> None:
    black = (True,) * 8
    a = clip(SCENE, 8_000)
    # a fade: two black frames in both, the pictures between alike
    fade = (True, False, False, False, False, False, False, True)
    match = compare(clip(SCENE, 8_000, flat=fade), clip(SCENE, 8_000, flat=fade), RULES)
    assert match is not None
    assert match.frames == 6
    # black against a picture is a difference
    assert compare(a, clip(SCENE, 8_000, flat=fade), RULES) is None
    # black clips say nothing: no duplicate, no trim
    assert compare(clip(SCENE, 8_000, flat=black), clip(SCENE, 8_000, flat=black), RULES) is None
    assert compare(clip(SCENE, 8_000, flat=black), clip(SCENE, 4_000, flat=black), RULES) is None
    # one picture is not enough evidence
    one = (False,) + (True,) * 7
    assert compare(clip(SCENE, 8_000, flat=one), clip(SCENE, 8_000, flat=one), RULES) is None


def test_immichs_one_frame_is_a_weaker_test_of_the_same_length() -> None:
    a = clip(SCENE, 8_000)
    thumb = one_frame(SCENE, 8_000, 4_400)  # near the 4.5 s sample
    match = compare(thumb, a, RULES)
    assert match is not None
    assert match.one_frame
    assert match.frames == 1
    assert compare(a, thumb, RULES) == match
    assert compare(one_frame(SCENE, 9_000, 4_400), a, RULES) is None  # another length
    assert compare(one_frame(scene(3), 8_000, 4_400), a, RULES) is None
    flat = VideoPrint(VideoFacts(duration_ms=8_000), IMMICH_SOURCE, SCENE(0), (0,), (True,))
    assert compare(flat, a, RULES) is None
    # no trim is told from one frame at an unknown moment
    assert compare(one_frame(SCENE, 3_000, 1_000), a, RULES) is None


def test_a_trim_is_a_variant_with_its_offset() -> None:
    longer = clip(SCENE, 8_000)
    for start in (0, 1_500, 2_000, 2_700, 4_000):
        trim = clip(SCENE, 4_000, start)
        match = compare(longer, trim, RULES)
        assert match is not None, start
        assert match.relation is Relation.TRIM
        assert abs(match.offset_ms - start) <= STEP_MS * 2, (start, match.offset_ms)
        assert match.frames >= 3
        assert compare(trim, longer, RULES) == match


def test_a_trim_of_a_trim_and_two_overlapping_trims() -> None:
    original = clip(SCENE, 8_000)
    first = clip(SCENE, 5_000, 1_000)
    second = clip(SCENE, 3_000, 2_500)  # cut from the first
    match = compare(first, second, RULES)
    assert match is not None
    assert match.relation is Relation.TRIM
    assert abs(match.offset_ms - 1_500) <= STEP_MS * 2
    # two cuts of the original that overlap: each a trim of it, neither a trim of the other
    early, late = clip(SCENE, 4_000, 500), clip(SCENE, 5_000, 3_000)
    for part in (early, late):
        found = compare(original, part, RULES)
        assert found is not None
        assert found.relation is Relation.TRIM
    assert compare(early, late, RULES) is None


def test_a_trim_needs_length_agreeing_frames_and_no_contradiction() -> None:
    longer = clip(SCENE, 8_000)
    assert compare(longer, clip(SCENE, MIN_TRIM_MS - 1, 2_000), RULES) is None
    assert compare(longer, clip(scene(4), 4_000, 2_000), RULES) is None
    # backwards: its frames fit at several offsets, never at one for enough of them
    assert compare(longer, clip(SCENE, 4_000, 2_000, backwards=True), RULES) is None


def test_a_static_clip_is_no_trim() -> None:
    def still(ms: int) -> tuple[int, int]:
        return SCENE(0)

    longer = clip(SCENE, 8_000)
    shot = clip(still, 3_000)  # looks like the longer's first moment all the way
    assert compare(longer, shot, RULES) is None
    assert compare(clip(still, 8_000), shot, RULES) is None
    # the same still shot twice, as long: nothing tells them apart
    match = compare(clip(still, 8_000), clip(still, 8_000), RULES)
    assert match is not None
    assert match.relation is Relation.DUPLICATE


def test_two_moments_in_common_are_no_trim() -> None:
    """A shorter clip of which only two sampled frames show moments of the longer (the rest
    another scene) is too little for a trim."""
    longer = clip(SCENE, 8_000)
    other = scene(5)

    def two_moments(ms: int) -> tuple[int, int]:
        return SCENE(ms) if 2_300 <= ms <= 3_700 else other(ms)

    assert compare(longer, clip(two_moments, 4_000, 2_000), RULES) is None


def test_an_insert_from_elsewhere_contradicts_a_trim() -> None:
    """Five frames agree on one offset, but a moment of the longer inside the stretch looks
    like no frame of the shorter near it (an edit put other footage there)."""
    longer = clip(SCENE, 8_000)
    other = scene(9)

    def edited(ms: int) -> tuple[int, int]:
        return other(ms) if 3_600 <= ms <= 4_900 else SCENE(ms)

    assert compare(longer, clip(SCENE, 4_000, 2_000), RULES) is not None
    assert compare(longer, clip(edited, 4_000, 2_000), RULES) is None
