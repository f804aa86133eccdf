"""Video fingerprints by content (migration 0025: table video_prints), and the present video
files still without one."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.models import MediaItem, join_path
from sidecar.engine.core.video import IMMICH_SOURCE, LOCAL_SOURCE, POSTER, VideoFacts, VideoPrint
from sidecar.engine.core.video_groups import VIDEO_SIDES
from sidecar.engine.store.db import Database, utcnow
from sidecar.engine.store.fingerprints import pack, unpack
from sidecar.engine.store.meta import get_meta, set_meta

_COLUMNS = (
    "content_hash, source, hash_size, duration_ms, width, height, fps, codec, bitrate, encoder,"
    " brand, make, model, taken_at, software, frames, times, flat, poster, error"
)
# What Immich writes under its upload location (engine.core.media.immich_generated): its
# transcodes (encoded-video/) and thumbnails (thumbs/), never members, are never decoded
_USER_ID = "-".join("[0-9a-f]" * n for n in (8, 4, 4, 4, 12))
_FOLDER = "lower('/' || r.path || '/' || f.rel_dir || '/')"
_NOT_GENERATED = " AND NOT ({})".format(
    " OR ".join(
        f"{_FOLDER} GLOB '*/{d}/{_USER_ID}/*'" for d in ("thumbs", "encoded-video", "profile")
    )
)
# Present video files whose content has no video fingerprint of its own file: none at all, or
# only Immich's one frame (a print or a failure from its thumbnail: the file decoded here
# gives eight frames and the container's facts), through the partial index of present videos
_UNPRINTED = (
    "FROM files f INDEXED BY files_videos JOIN roots r ON r.id = f.root_id"
    " LEFT JOIN video_prints v ON v.content_hash = f.content_hash"
    f" AND v.source <> '{IMMICH_SOURCE}'"
    " WHERE f.kind = 'video' AND f.state = 'present' AND f.content_hash IS NOT NULL"
    f" AND v.content_hash IS NULL{_NOT_GENERATED}"
)
VideoOutcome = VideoPrint | FingerprintFailure
# Present video files with their video fingerprint's facts (none when it failed or is still
# to be made), for grouping: the columns `video_media` reads, root path last but one, root id
# and folder last (the caller adds its own WHERE terms after these)
VIDEO_MEDIA = (
    "SELECT r.path, f.rel_dir, f.name, f.kind, f.size, f.content_hash, v.frames, v.width,"
    " v.height, v.taken_at, v.make, v.model, v.software, v.duration_ms, v.fps, v.codec,"
    " v.bitrate, v.encoder, v.brand, v.source, f.root_id"
    " FROM files f INDEXED BY files_videos JOIN roots r ON r.id = f.root_id"
    " LEFT JOIN video_prints v ON v.content_hash = f.content_hash AND v.error IS NULL"
    " WHERE f.kind = 'video' AND f.state = 'present' AND f.content_hash IS NOT NULL"
)


def video_media(r: Sequence[object]) -> tuple[tuple[int, str], MediaItem]:
    """A VIDEO_MEDIA row as (root id, folder) and a media item: pHash and dHash those of the
    poster frame (the one sample of a print from Immich's thumbnail)."""
    frames = unpack(r[6])  # type: ignore[arg-type]
    at = POSTER if len(frames) > 2 * POSTER + 1 else 0
    phash, dhash = (frames[2 * at], frames[2 * at + 1]) if frames else (None, None)
    item = MediaItem(
        join_path(str(r[0]), str(r[1]), str(r[2])),
        str(r[3]),
        int(r[4]),  # type: ignore[call-overload]
        str(r[5]),
        phash,
        dhash,
        width=r[7],  # type: ignore[arg-type]
        height=r[8],  # type: ignore[arg-type]
        taken_at=r[9],  # type: ignore[arg-type]
        make=r[10],  # type: ignore[arg-type]
        model=r[11],  # type: ignore[arg-type]
        software=r[12],  # type: ignore[arg-type]
        duration_ms=r[13],  # type: ignore[arg-type]
        fps=r[14],  # type: ignore[arg-type]
        codec=r[15],  # type: ignore[arg-type]
        bitrate=r[16],  # type: ignore[arg-type]
        encoder=r[17],  # type: ignore[arg-type]
        brand=r[18],  # type: ignore[arg-type]
        print_source=r[19],  # type: ignore[arg-type]
    )
    return (int(r[20]), str(r[1])), item  # type: ignore[call-overload]


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
            f"SELECT f.content_hash, r.path, f.rel_dir, f.name {_UNPRINTED}"
            " AND f.content_hash > ? GROUP BY f.content_hash ORDER BY f.content_hash LIMIT ?",
            (after, limit),
        )
        return [(r[0], join_path(r[1], r[2], r[3])) for r in rows]

    async def unprinted_video_count(self) -> int:
        return int(await self.db.scalar(f"SELECT count(DISTINCT f.content_hash) {_UNPRINTED}"))

    async def save_video_prints(
        self, rows: Sequence[tuple[str, VideoOutcome]], hash_size: int, source: str
    ) -> None:
        """Store video fingerprints (or why there is none), keyed by content; `source` is
        recorded for failures (a print says its own). A file's own print replaces one from
        Immich's thumbnail, and the edges found with that one are forgotten (the contents
        are searched again as fresh)."""
        async with self.db.transaction() as conn:
            if source == LOCAL_SOURCE and rows:
                await self._forget_immich_prints(conn, [key for key, _ in rows])
            await conn.executemany(
                f"INSERT OR REPLACE INTO video_prints ({_COLUMNS}, computed_at)"
                f" VALUES ({', '.join('?' * 21)})",
                [_row(key, outcome, hash_size, source) for key, outcome in rows],
            )

    @staticmethod
    async def _forget_immich_prints(conn: aiosqlite.Connection, keys: Sequence[str]) -> None:
        """The video edges of those of `keys` printed from Immich's thumbnail so far."""
        sides = sorted(VIDEO_SIDES)
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            cursor = await conn.execute(
                f"SELECT content_hash FROM video_prints WHERE content_hash IN ({marks})"
                " AND source = ?",
                [*chunk, IMMICH_SOURCE],
            )
            old = [r[0] for r in await cursor.fetchall()]
            if not old:
                continue
            where = ",".join("?" * len(old))
            kinds = ",".join("?" * len(sides))
            await conn.execute(
                f"DELETE FROM near_edges WHERE side IN ({kinds})"
                f" AND (a IN ({where}) OR b IN ({where}))",
                [*sides, *old, *old],
            )

    async def video_prints(
        self, keys: Sequence[str] | None = None, posters: bool = True
    ) -> dict[str, VideoPrint]:
        """Content -> video fingerprint, of the given contents (None: all), failures left out;
        `posters=False`: without the poster frames (what comparing needs: about a tenth)."""
        cols = _COLUMNS.replace(", error", "").replace("hash_size, ", "")
        if not posters:
            cols = cols.replace("poster", "NULL")
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

    async def video_media(self) -> list[MediaItem]:
        """Every present video file with its video fingerprint's facts (through the partial
        index of present videos)."""
        return [video_media(tuple(r))[1] for r in await self.db.fetchall(VIDEO_MEDIA)]

    async def video_failures(self) -> list[tuple[str, str]]:
        """(one path, reason) of the present video files that could not be fingerprinted."""
        rows = await self.db.fetchall(
            "SELECT r.path, f.rel_dir, f.name, v.error FROM files f INDEXED BY files_videos"
            " JOIN roots r ON r.id = f.root_id JOIN video_prints v"
            " ON v.content_hash = f.content_hash AND v.error IS NOT NULL"
            " WHERE f.kind = 'video' AND f.state = 'present' ORDER BY r.path, f.rel_dir, f.name"
        )
        return [(join_path(r[0], r[1], r[2]), r[3]) for r in rows]

    async def video_edge_plan(self) -> str | None:
        found = await get_meta(self.db, "analysis.video_edges")
        return None if found is None else found[0]

    async def set_video_edge_plan(self, plan: str) -> None:
        await set_meta(self.db, "analysis.video_edges", plan)

    async def drop_video_edges(self, sides: Sequence[str]) -> None:
        """Forget the stored edges between videos (these `side`s), before a search over all."""
        marks = ",".join("?" * len(sides))
        async with self.db.transaction() as conn:
            await conn.execute(f"DELETE FROM near_edges WHERE side IN ({marks})", list(sides))

    async def video_errors(self) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT content_hash, error FROM video_prints WHERE error IS NOT NULL"
        )
        return [(r[0], r[1]) for r in rows]
