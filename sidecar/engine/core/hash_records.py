"""Fingerprint hashes packed as fixed-width records, many to a BLOB: the near-pair search reads
a library's hashes as a few large values, not a row per content.

A record is WIDTH little-endian signed 64-bit values: the fingerprint's row id, how many
centre-view values and one-sided-view values it has (as stored: a (pHash, dHash) pair per
view), its pHash and dHash, then CENTRE centre-view values and SIDES one-sided-view values
(zero-padded; the one-sided views count only when all of them are there).
"""

from __future__ import annotations

from collections.abc import Iterable

CENTRE = 4  # (pHash, dHash) of 2 centre views
SIDES = 24  # (pHash, dHash) of 12 one-sided views
ROW, CENTRE_COUNT, SIDE_COUNT, PHASH, DHASH, FIRST_CENTRE = range(6)
FIRST_SIDE = FIRST_CENTRE + CENTRE
WIDTH = FIRST_SIDE + SIDES

# (row id, pHash, dHash, centre views, one-sided views): hashes signed, views packed as stored
HashRecordRow = tuple[int, int, int, bytes | None, bytes | None]


def pack_records(rows: Iterable[HashRecordRow]) -> bytes:
    out = bytearray()
    for row, phash, dhash, zoomed, sided in rows:
        centre, sides = zoomed or b"", sided or b""
        for value in (row, len(centre) // 8, len(sides) // 8, phash, dhash):
            out += value.to_bytes(8, "little", signed=True)
        out += centre[: 8 * CENTRE].ljust(8 * CENTRE, b"\0")
        out += sides[: 8 * SIDES].ljust(8 * SIDES, b"\0")
    return bytes(out)
