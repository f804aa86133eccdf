"""Port to the video fingerprints of contents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.models import MediaItem
from sidecar.engine.core.video import VideoPrint


class VideoPrints(Protocol):
    async def unprinted_videos(self, after: str = "", limit: int = -1) -> list[tuple[str, str]]:
        """(content hash, one path) of present video files with no video fingerprint yet."""

    async def unprinted_video_count(self) -> int:
        """How many contents `unprinted_videos` lists."""

    async def save_video_prints(
        self,
        rows: Sequence[tuple[str, VideoPrint | FingerprintFailure]],
        hash_size: int,
        source: str,
    ) -> None:
        """Store video fingerprints (or why there is none), keyed by content."""

    async def video_prints(
        self, keys: Sequence[str] | None = None, posters: bool = True
    ) -> dict[str, VideoPrint]:
        """Content -> video fingerprint (None: all), failures left out; `posters=False`:
        without the poster frames."""

    async def video_print_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these contents have a video fingerprint row (a print or a failure)."""

    async def video_errors(self) -> list[tuple[str, str]]:
        """(content, reason) of the videos that could not be fingerprinted."""

    async def video_media(self) -> list[MediaItem]:
        """Every present video file with its video fingerprint's facts."""

    async def video_failures(self) -> list[tuple[str, str]]:
        """(one path, reason) of the present video files that could not be fingerprinted."""

    async def video_edge_plan(self) -> str | None:
        """What the stored video edges were found with (None: never searched)."""

    async def set_video_edge_plan(self, plan: str) -> None:
        """Record what the stored video edges were found with."""

    async def drop_video_edges(self, sides: Sequence[str]) -> None:
        """Forget the stored edges between videos (with these sides)."""
