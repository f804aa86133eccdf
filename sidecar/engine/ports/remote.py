"""Port to the remote members an analysis with Immich configured keeps between runs (assets
with no local file to decode), and the lookups that decide them asset by asset."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from sidecar.engine.core.candidates import RemoteMember
from sidecar.engine.core.models import AssetLink


class RemoteMembers(Protocol):
    async def replace_remote_members(self, rows: Sequence[RemoteMember]) -> None:
        """All of them, as a full regroup found them (they are valid from then on)."""

    async def remote_members_ready(self) -> bool:
        """Whether a full regroup with Immich configured wrote them."""

    async def update_remote_members(
        self, drop: Iterable[str], rows: Sequence[RemoteMember]
    ) -> None:
        """Forget the assets `drop` names, then keep `rows`."""

    async def remote_members_of(self, ids: Iterable[str]) -> list[RemoteMember]:
        """Those of these asset ids."""

    async def remote_with_contents(self, contents: Iterable[str]) -> list[RemoteMember]:
        """Those with these content keys."""

    async def remote_in(self, folders: Iterable[str]) -> list[RemoteMember]:
        """Those whose path lies directly in these folders."""

    async def remote_burst_named(self) -> list[RemoteMember]:
        """Those whose name may hold a burst tag."""

    async def count_remote_members(self) -> int:
        """How many there are."""

    async def media_present_at(self, paths: Iterable[str]) -> set[str]:
        """Which of these local paths are media files an analysis compares."""

    async def motion_parts(self, ids: Iterable[str] | None = None) -> set[str]:
        """Which assets (of `ids`; None: all) are the motion part of a live photo."""

    async def motion_parts_named_by(self, ids: Iterable[str]) -> set[str]:
        """The live-photo videos these assets name (gone ones too: what they named)."""

    async def forget_photo_prints(self, keys: Sequence[str]) -> None:
        """Remove photo fingerprints of these contents (videos), and their edges to photos."""

    async def uploads_with(self, checksums: Iterable[str]) -> list[AssetLink]:
        """Uploads (not gone) with these checksums, in the order a full read gives them."""

    async def links_in_order(self, ids: Iterable[str]) -> list[AssetLink]:
        """These assets (not gone), in the order a full read gives them."""
