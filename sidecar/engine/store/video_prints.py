"""Video fingerprints by content (migration 0025: table video_prints), and the present video
files still without one."""

from __future__ import annotations

from collections.abc import Sequence

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.models import join_path
from sidecar.engine.core.video import VideoFacts, VideoPrint
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.fingerprints import pack, unpack

_COLUMNS = (
    "content_hash, source, hash_size, duration_ms, width, height, fps, codec, bitrate, encoder,"
    " brand, make, model, taken_at, software, frames, times, flat, poster, error"
)
# Present video files whose content has no video fingerprint (through the partial index of
# present videos)
_UNPRINTED = (
    "FROM files f INDEXED BY files_videos{roots}"
    " LEFT JOIN video_prints v ON v.content_hash = f.content_hash"
    " WHERE f.kind = 'video' AND f.state = 'present' AND f.content_hash IS NOT NULL"
    " AND v.content_hash IS NULL"
)
VideoOutcome = VideoPrint | FingerprintFailure


def _flat_bits(flat: Sequence[bool]) -> int:
    return sum(1 << k for k, f in enumerate(flat) if f)


def _row(key: str, outcome: VideoOutcome, hash_size: int, source: str) -> tuple[object, ...]:
    if isinstance(outcome, FingerprintFailure):
        return (key, source, hash_size, *([None] * 16), outcome.reason, utcnow())
    f = outcome.facts
    return (
        key,
        outcome.source,
        hash_size,
        f.duration_ms,
        f.width,
        f.height,
        f.fps,
        f.codec,
        f.bitrate,
        f.encoder,
        f.brand,
        f.make,
        f.model,
        f.taken_at,
        f.software,
        pack(outcome.frames),
        pack(outcome.times_ms),
        _flat_bits(outcome.flat),
        outcome.poster or None,
        None,
        utcnow(),
    )


def video_print(r: Sequence[object]) -> VideoPrint:
    """A stored row (source, the facts, frames, times, flat, poster) as a print."""
    facts = VideoFacts(*r[1:13])  # type: ignore[arg-type]
    frames = unpack(r[13])  # type: ignore[arg-type]
    times = unpack(r[14])  # type: ignore[arg-type]
    bits = int(r[15] or 0)  # type: ignore[call-overload]
    flat = tuple(bool(bits >> k & 1) for k in range(len(frames) // 2))
    poster = bytes(r[16]) if r[16] else b""  # type: ignore[call-overload]
    return VideoPrint(facts, str(r[0]), frames, times, flat, poster)


class VideoPrintStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unprinted_videos(self, after: str = "", limit: int = -1) -> list[tuple[str, str]]:
        """(content hash, one path) of present video files whose content has no video
        fingerprint yet, in content order after `after`, at most `limit` (-1: all)."""
        rows = await self.db.fetchall(
            "SELECT f.content_hash, r.path, f.rel_dir, f.name"
            f" {_UNPRINTED.format(roots=' JOIN roots r ON r.id = f.root_id')}"
            " AND f.content_hash > ? GROUP BY f.content_hash ORDER BY f.content_hash LIMIT ?",
            (after, limit),
        )
        return [(r[0], join_path(r[1], r[2], r[3])) for r in rows]

    async def unprinted_video_count(self) -> int:
        return int(
            await self.db.scalar(
                f"SELECT count(DISTINCT f.content_hash) {_UNPRINTED.format(roots='')}"
            )
        )

    async def save_video_prints(
        self, rows: Sequence[tuple[str, VideoOutcome]], hash_size: int, source: str
    ) -> None:
        """Store video fingerprints (or why there is none), keyed by content; `source` is
        recorded for failures (a print says its own)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                f"INSERT OR REPLACE INTO video_prints ({_COLUMNS}, computed_at)"
                f" VALUES ({', '.join('?' * 21)})",
                [_row(key, outcome, hash_size, source) for key, outcome in rows],
            )

    async def video_prints(self, keys: Sequence[str] | None = None) -> dict[str, VideoPrint]:
        """Content -> video fingerprint, of the given contents (None: all), failures left out."""
        cols = _COLUMNS.replace(", error", "").replace("hash_size, ", "")
        sql = f"SELECT {cols} FROM video_prints WHERE error IS NULL AND frames IS NOT NULL"
        if keys is None:
            return {r[0]: video_print(tuple(r)[1:]) for r in await self.db.fetchall(sql)}
        out: dict[str, VideoPrint] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for r in await self.db.fetchall(f"{sql} AND content_hash IN ({marks})", chunk):
                out[r[0]] = video_print(tuple(r)[1:])
        return out

    async def video_print_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of the given contents have a video fingerprint row (a print or a failure)."""
        out: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT content_hash FROM video_prints WHERE content_hash IN ({marks})", chunk
            )
            out |= {r[0] for r in rows}
        return out

    async def video_errors(self) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT content_hash, error FROM video_prints WHERE error IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]
