"""Pure reconciliation logic: compare a directory listing with what the inventory knows,
and pair removed records with new ones of the same content (moves)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Change(StrEnum):
    ADDED = "added"  # a path the inventory has no present record for
    CHANGED = "changed"  # a present record whose size or mtime differ, or hash is stale


class DiskEntry(NamedTuple):
    """A regular file seen on disk in one directory (a tuple: there are millions)."""

    name: str
    size: int
    mtime_ns: int
    kind: str


class KnownFile(NamedTuple):
    """What the inventory holds for one path in that directory."""

    id: int
    name: str
    size: int
    mtime_ns: int
    hash_algo: str | None
    present: bool


class ToHash(NamedTuple):
    """A file to read (a tuple: a first scan makes one per file)."""

    entry: DiskEntry
    change: Change
    known_id: int | None


@dataclass(slots=True)
class DirDiff:
    unchanged: list[int] = field(default_factory=list)  # present records seen as they were
    to_hash: list[ToHash] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # present records of unreadable files
    missing: int = 0  # present records neither on disk nor kept: vanished (or moved)

    @property
    def clean(self) -> bool:
        """Every present record of the folder was seen unchanged and nothing is new: the
        folder can be marked seen as a whole instead of each record."""
        return not self.to_hash and not self.missing


def diff_directory(
    entries: Iterable[DiskEntry],
    known: Iterable[KnownFile],
    hash_algo: str,
    kept: Iterable[str] = (),
) -> DirDiff:
    """Split a listing into records that only need their generation bumped and files to hash.

    A file is unchanged when a present record has the same size and mtime_ns and was hashed
    with the current algorithm; everything else is read again. `kept` names files present
    but unreadable: their present records are kept (what cannot be read is not gone).
    """
    by_name = {k.name: k for k in known}
    diff = DirDiff()
    unchanged = diff.unchanged
    for entry in entries:
        rec = by_name.pop(entry.name, None)
        if rec is None or not rec.present:
            diff.to_hash.append(ToHash(entry, Change.ADDED, rec.id if rec else None))
        elif (
            rec.size == entry.size
            and rec.mtime_ns == entry.mtime_ns
            and (rec.hash_algo == hash_algo)
        ):
            unchanged.append(rec.id)
        else:
            diff.to_hash.append(ToHash(entry, Change.CHANGED, rec.id))
    for name in kept:
        rec = by_name.pop(name, None)
        if rec is not None and rec.present:
            diff.kept.append(rec.id)
    diff.missing = sum(1 for rec in by_name.values() if rec.present)
    return diff


@dataclass(frozen=True, slots=True)
class MoveCandidate:
    """A record on either side of a possible move."""

    id: int
    content_hash: str
    size: int
    path: str  # root-qualified, for tie-breaking and reports
    generation: int  # removed side: last seen by this scan; new side: first seen by this scan


@dataclass(frozen=True, slots=True)
class Move:
    old: MoveCandidate  # the record whose path disappeared; it keeps its identity
    new: MoveCandidate  # the record at the new path; merged into `old`


def pair_moves(removed: Sequence[MoveCandidate], appeared: Sequence[MoveCandidate]) -> list[Move]:
    """Pair vanished records with newly appeared ones of identical content, one to one.

    A new record qualifies only if it first appeared after the old one was last seen (so an
    interrupted scan that already inserted the new path still yields a move next time). Among
    several candidates the one with the same file name wins, then the one in the same folder,
    then path order, so the result is deterministic.
    """
    pool: dict[tuple[str, int], list[MoveCandidate]] = defaultdict(list)
    for cand in sorted(appeared, key=lambda c: c.path):
        pool[(cand.content_hash, cand.size)].append(cand)
    moves: list[Move] = []
    for old in sorted(removed, key=lambda c: c.path):
        options = [
            c
            for c in pool.get((old.content_hash, old.size), ())
            if c.generation > old.generation and c.id != old.id
        ]
        if not options:
            continue
        best = min(options, key=lambda c: _affinity(old.path, c.path))
        pool[(old.content_hash, old.size)].remove(best)
        moves.append(Move(old=old, new=best))
    return moves


def _affinity(old: str, new: str) -> tuple[int, int, str]:
    old_dir, _, old_name = old.rpartition("/")
    new_dir, _, new_name = new.rpartition("/")
    return (0 if old_name == new_name else 1, 0 if old_dir == new_dir else 1, new)


@dataclass(slots=True)
class ScanCounts:
    """What one reconciliation run did; the names are part of the JSON contract."""

    scanned: int = 0
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    hashed: int = 0
    errors: int = 0
    skipped: int = 0
    bytes_hashed: int = 0
