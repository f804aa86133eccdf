"""RAW+JPEG pairs, edited variants and bursts: stack candidates, never duplicates.

Files are only ever paired within one owner and one folder, by the base name the naming table
gives them, and confirmed by capture time (and camera, when both sides know it). Bursts are
frames of one camera whose capture times follow each other closely, or that share a burst tag
in their names. Every pair says which rule formed it and why its primary was chosen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sidecar.engine.core.naming import Role, parse_stem, split_name

FORMATS = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "heic": "heic",
    "heif": "heic",
    "hif": "heic",
    "avif": "heic",
    "png": "png",
    "tif": "tiff",
    "tiff": "tiff",
    "webp": "webp",
}


class PairKind(StrEnum):
    RAW_JPEG = "raw+jpeg"
    VARIANT = "variant"
    BURST = "burst"


@dataclass(frozen=True, slots=True)
class Shot:
    """One file (or asset) as pairing sees it."""

    key: str  # unique: a path in local mode, an asset id with Immich
    owner: str
    folder: str
    name: str
    is_raw: bool
    captured_at: datetime | None = None  # sub-second precision when the EXIF had it
    make: str | None = None
    model: str | None = None
    phash: int | None = None  # unsigned 64-bit


@dataclass(frozen=True, slots=True)
class PairingRules:
    time_tolerance_s: float = 2.0
    burst_gap_s: float = 1.0
    burst_min_frames: int = 3
    max_phash_distance: int = 22  # a RAW preview and its JPEG look alike; beyond: reject
    format_preference: tuple[str, ...] = ("jpeg", "heic", "png", "raw")


@dataclass(frozen=True, slots=True)
class Pair:
    kind: PairKind
    members: tuple[str, ...]
    primary: str
    reasons: tuple[str, ...]


@dataclass(slots=True)
class PairingResult:
    pairs: list[Pair] = field(default_factory=list)
    rejected: list[tuple[tuple[str, ...], str]] = field(default_factory=list)


def _format(shot: Shot) -> str:
    if shot.is_raw:
        return "raw"
    return FORMATS.get(split_name(shot.name)[1], split_name(shot.name)[1])


def _distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def camera_name(shot: Shot) -> str:
    """ "Canon EOS R6", not "Canon Canon EOS R6" (many models repeat the make)."""
    make, model = (shot.make or "").strip(), (shot.model or "").strip()
    if model.lower().startswith(make.lower()):
        return model or "unknown camera"
    return f"{make} {model}".strip() or "unknown camera"


def _same_camera(a: Shot, b: Shot) -> bool | None:
    if not (a.make and b.make and a.model and b.model):
        return None
    return (a.make.strip().lower(), a.model.strip().lower()) == (
        b.make.strip().lower(),
        b.model.strip().lower(),
    )


def _seconds_apart(a: Shot, b: Shot) -> float | None:
    if a.captured_at is None or b.captured_at is None:
        return None
    return abs((a.captured_at - b.captured_at).total_seconds())


def _rank(shot: Shot, rules: PairingRules) -> int:
    fmt = _format(shot)
    prefs = rules.format_preference
    return prefs.index(fmt) if fmt in prefs else len(prefs)


_AS_VARIANT = {Role.EDITED: "an edited version", Role.COPY: "a copy"}


def _confirm(a: Shot, b: Shot, rules: PairingRules) -> tuple[bool, str]:
    """Whether two files of one base name are one shot, and the evidence either way."""
    apart = _seconds_apart(a, b)
    if apart is not None and apart > rules.time_tolerance_s:
        return False, f"captured {apart:.1f} s apart (tolerance {rules.time_tolerance_s:g} s)"
    if _same_camera(a, b) is False:
        return False, f"different cameras ({camera_name(a)} / {camera_name(b)})"
    if a.phash is not None and b.phash is not None:
        dist = _distance(a.phash, b.phash)
        if dist > rules.max_phash_distance:
            return False, f"they do not look alike (perceptual hashes differ in {dist} bits)"
    evidence = [
        f"captured {apart:.2f} s apart" if apart is not None else "no capture time on one side"
    ]
    if _same_camera(a, b):
        evidence.append(f"same camera ({camera_name(a)})")
    return True, ", ".join(evidence)


def find_pairs(shots: Iterable[Shot], rules: PairingRules | None = None) -> PairingResult:
    rules = rules or PairingRules()
    result = PairingResult()
    by_base: dict[tuple[str, str, str], list[Shot]] = defaultdict(list)
    all_shots = list(shots)
    for shot in all_shots:
        by_base[(shot.owner, shot.folder, parse_stem(split_name(shot.name)[0]).base)].append(shot)
    paired: set[str] = set()
    for (_, _, base), group in sorted(by_base.items()):
        if len(group) < 2:
            continue
        _pair_group(base, sorted(group, key=lambda s: s.name), rules, result, paired)
    result.pairs += find_bursts(
        [s for s in all_shots if not (s.is_raw and s.key in paired)], rules, paired
    )
    return result


def _pair_group(
    base: str, group: list[Shot], rules: PairingRules, result: PairingResult, paired: set[str]
) -> None:
    raws = [s for s in group if s.is_raw]
    developed = [s for s in group if not s.is_raw]
    originals = [s for s in developed if parse_stem(split_name(s.name)[0]).role is Role.ORIGINAL]
    variants = [s for s in developed if s not in originals]
    anchor = min(originals, key=lambda s: _rank(s, rules)) if originals else None
    if raws and developed:
        mates = [anchor] if anchor else developed[:1]
        for raw in raws:
            ok, evidence = _confirm(raw, mates[0], rules)
            members = tuple(sorted([raw.key, *(m.key for m in mates)]))
            if not ok:
                result.rejected.append((members, f"same name '{base}' but {evidence}"))
                continue
            primary = min([raw, *mates], key=lambda s: _rank(s, rules))
            prefs = " > ".join(rules.format_preference)
            reasons = (
                f"RAW and developed file share the name '{base}' in one folder",
                evidence,
                f"primary {_format(primary).upper()} by format preference ({prefs})",
            )
            result.pairs.append(Pair(PairKind.RAW_JPEG, members, primary.key, reasons))
            paired.update(members)
    if anchor and variants:
        for variant in variants:
            ok, evidence = _confirm(variant, anchor, rules)
            role = parse_stem(split_name(variant.name)[0])
            members = tuple(sorted([anchor.key, variant.key]))
            if not ok and role.role is not Role.EDITED:
                result.rejected.append((members, f"same name '{base}' but {evidence}"))
                continue
            # an edit keeps the original's capture time only sometimes: its name is the rule
            primary = variant if role.role is Role.EDITED else anchor
            why = (
                "the edited version is the one to see"
                if primary is variant
                else "the original is kept in front of its copy"
            )
            reasons = (
                f"'{variant.name}' is {_AS_VARIANT.get(role.role, 'a version')} of "
                f"'{anchor.name}' (its name matches the {role.pattern} pattern)",
                evidence if ok else "name only",
                why,
            )
            result.pairs.append(Pair(PairKind.VARIANT, members, primary.key, reasons))


def find_bursts(
    shots: Sequence[Shot], rules: PairingRules, already: set[str] | None = None
) -> list[Pair]:
    """Frames of one camera, owner and folder shot in quick succession, or sharing a burst
    tag. Edited variants and copies are never frames."""
    already = already or set()
    out: list[Pair] = []
    tagged: dict[tuple[str, str], list[Shot]] = defaultdict(list)
    timed: dict[tuple[str, str, str, str], list[Shot]] = defaultdict(list)
    for shot in shots:
        parsed = parse_stem(split_name(shot.name)[0])
        if parsed.role in (Role.EDITED, Role.COPY):
            continue
        if parsed.burst_tag:
            tagged[(shot.owner, parsed.burst_tag)].append(shot)
        elif shot.captured_at is not None and shot.make and shot.model:
            key = (shot.owner, shot.folder, shot.make.lower(), shot.model.lower())
            timed[key].append(shot)
    in_burst: set[str] = set()
    for (_, tag), frames in sorted(tagged.items()):
        if len(frames) >= 2:
            frames.sort(key=lambda s: (s.captured_at or datetime.min, s.name))
            out.append(_burst(frames, f"the names share the burst tag {tag.upper()}"))
            in_burst.update(s.key for s in frames)
    for frames in timed.values():
        frames.sort(key=lambda s: (s.captured_at, s.name))
        # files with one and the same capture time are versions of one shot (exports,
        # conversions, copies), not frames of a burst
        moments: dict[datetime | None, int] = defaultdict(int)
        for shot in frames:
            moments[shot.captured_at] += 1
        frames = [s for s in frames if moments[s.captured_at] == 1]
        run: list[Shot] = []
        for shot in frames:
            if (
                run
                and _seconds_apart(run[-1], shot) is not None
                and ((_seconds_apart(run[-1], shot) or 0.0) > rules.burst_gap_s)
            ):
                _close_run(run, rules, out, in_burst)
                run = []
            run.append(shot)
        _close_run(run, rules, out, in_burst)
    return out


def _close_run(run: list[Shot], rules: PairingRules, out: list[Pair], seen: set[str]) -> None:
    frames = [s for s in run if s.key not in seen]
    if len(frames) < rules.burst_min_frames:
        return
    first, last = frames[0], frames[-1]
    span = _seconds_apart(first, last) or 0.0
    out.append(
        _burst(
            frames,
            f"{len(frames)} frames from {camera_name(first)} within "
            f"{span:.2f} s (gaps <= {rules.burst_gap_s:g} s)",
        )
    )
    seen.update(s.key for s in frames)


def _burst(frames: list[Shot], why: str) -> Pair:
    members = tuple(s.key for s in frames)
    return Pair(PairKind.BURST, members, frames[0].key, (why, "primary: the first frame"))
