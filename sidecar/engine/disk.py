"""Disk I/O for reconciliation: list one folder with os.scandir, hash one file.

Both are blocking and are called from worker threads, never on the event loop.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from sidecar.engine.core.media import KIND_BY_EXTENSION, IgnoreMatcher
from sidecar.engine.core.reconcile import DiskEntry

READ_CHUNK = 1 << 20
SMALL_FILE = 1 << 20  # hashed from one read: file_digest allocates a 256 KB buffer per file


@dataclass(slots=True)
class DirListing:
    rel_dir: str
    files: list[DiskEntry] = field(default_factory=list)
    subdirs: list[str] = field(default_factory=list)  # rel paths
    errors: list[tuple[str, str]] = field(default_factory=list)  # (abs path, reason)
    skipped: int = 0  # not media, ignored, symlinks, special files
    kept: list[str] = field(default_factory=list)  # names present but unreadable: keep records
    unreadable: bool = False  # the folder itself could not be listed


def describe_os_error(exc: OSError) -> str:
    """A short reason for a file system error, phrased for a user."""
    if isinstance(exc, PermissionError):
        return "permission denied (the sidecar's user cannot read it)"
    if isinstance(exc, FileNotFoundError):
        return "vanished during the scan"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if exc.errno == errno.EIO:
        return "I/O error reading it (failing disk or network share?)"
    return exc.strerror or exc.__class__.__name__


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def list_directory(root: str, rel_dir: str, ignore: IgnoreMatcher) -> DirListing:
    """List media files and subfolders of one folder. Symlinks are never followed.

    Run for every file of a library on every scan: the loop keeps to local names and calls
    into C (the ignore regex, the extension table, the entry's tuple)."""
    listing = DirListing(rel_dir)
    path = os.path.join(root, rel_dir) if rel_dir else root
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError as exc:
        listing.unreadable = True
        listing.errors.append((path, describe_os_error(exc)))
        return listing
    ignored = ignore.regex.match if ignore.regex is not None else None
    kinds = KIND_BY_EXTENSION
    files, subdirs = listing.files, listing.subdirs
    prefix = f"{rel_dir}/" if rel_dir else ""
    new_tuple = tuple.__new__
    for entry in entries:
        name = entry.name
        if ignored is not None and ignored(name.lower()) is not None:
            listing.skipped += 1
            continue
        if not name.isascii() and not _valid_name(name):
            listing.errors.append(
                (
                    os.fsencode(entry.path).decode("utf-8", "backslashreplace"),
                    "file name is not valid UTF-8; rename it",
                )
            )
            continue
        try:
            # d_type answers these without a system call; symlinks are never followed (no
            # loops, nothing outside the root), fifos and sockets are not media
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(prefix + name)
                continue
            dot = name.rfind(".")
            kind = kinds.get(name[dot:].lower()) if dot > 0 else None
            if kind is None or not entry.is_file(follow_symlinks=False):
                listing.skipped += 1
                continue
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            listing.errors.append((entry.path, describe_os_error(exc)))
            if not isinstance(exc, FileNotFoundError):
                listing.kept.append(name)
            continue
        # tuple.__new__: the named tuple's own __new__ is Python code, called per file
        files.append(new_tuple(DiskEntry, (name, st.st_size, st.st_mtime_ns, kind)))
    return listing


class FileHash(NamedTuple):
    """A file's digest, and its size and mtime read from the open file (a tuple: one per file
    hashed, made in a worker thread that holds the GIL meanwhile)."""

    digest: str
    size: int
    mtime_ns: int


def walk(
    root: str, start: str, ignore: IgnoreMatcher, max_files: int = 2000, max_dirs: int = 64
) -> Iterator[list[DirListing]]:
    """Depth-first listings of `start` (a folder relative to `root`) and everything below it,
    in sorted order and in batches of folders (so callers can query them together);
    unreadable folders are included (flagged) and not descended into. The first listing of
    the first batch is `start` itself."""
    stack = [start]
    batch: list[DirListing] = []
    files = 0
    while stack:
        listing = list_directory(root, stack.pop(), ignore)
        stack.extend(sorted(listing.subdirs, reverse=True))
        batch.append(listing)
        files += len(listing.files)
        if files >= max_files or len(batch) >= max_dirs:
            yield batch
            batch, files = [], 0
    if batch:
        yield batch


def hash_files(paths: Sequence[str], algorithm: str) -> list[FileHash | OSError]:
    """Hash several files in one worker call (amortises the hand-off per file)."""
    out: list[FileHash | OSError] = []
    for path in paths:
        try:
            out.append(hash_file(path, algorithm))
        except OSError as exc:
            out.append(exc)
    return out


def hash_file(path: str, algorithm: str) -> FileHash:
    """Stream a file through `algorithm` (a small one read whole, with os-level calls: a first
    scan reads every file once); size and mtime are read from the open file after."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if os.fstat(fd).st_size <= SMALL_FILE:
            digest = _hasher(algorithm)()
            while data := os.read(fd, READ_CHUNK):
                digest.update(data)
            hexdigest = digest.hexdigest()
        else:
            with open(fd, "rb", buffering=0, closefd=False) as fh:
                hexdigest = hashlib.file_digest(fh, algorithm).hexdigest()
        st = os.fstat(fd)
    finally:
        os.close(fd)
    return FileHash(hexdigest, st.st_size, st.st_mtime_ns)


def _hasher(algorithm: str) -> Callable[[], hashlib._Hash]:
    """The named constructor (hashlib.new looks the algorithm up on every call)."""
    return _HASHERS.get(algorithm) or partial(hashlib.new, algorithm)


_HASHERS: dict[str, Callable[[], hashlib._Hash]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
}
