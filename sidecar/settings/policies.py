"""The sections about what the engine decides and does: analysis, write-back, schedule."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from sidecar.engine.core.cron import check_crontab
from sidecar.engine.core.keeper import DEFAULT_KEEPER_RULES as DEFAULT_KEEPER
from sidecar.engine.core.keeper import KeeperRule
from sidecar.settings.sections import Section

FormatName = Literal["jpeg", "heic", "png", "tiff", "webp", "raw"]
DEFAULT_FORMATS: tuple[FormatName, ...] = ("jpeg", "heic", "png", "raw")
EXECUTOR_SPEC = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


class AnalysisSettings(Section):
    """Fingerprints, duplicate groups, RAW+JPEG pairs and bursts."""

    hash_size: int = Field(
        default=8, ge=4, le=8, description="pHash/dHash size (8 = 64 bits, the index's most)."
    )
    near_threshold: int = Field(
        default=4, ge=0, le=16, description="Largest pHash distance of near duplicates (bits)."
    )
    near_dhash_threshold: int = Field(
        default=6, ge=0, le=32, description="Largest dHash distance confirming a near pair."
    )
    workers: int = Field(default=2, ge=1, le=32, description="Processes decoding images.")
    executor: str = Field(
        default="",
        description="'module:function' returning a concurrent.futures.Executor that "
        "fingerprints instead of local processes (e.g. a Dask cluster's); empty: local.",
    )
    keeper_rules: list[KeeperRule] = Field(
        default_factory=lambda: list(DEFAULT_KEEPER),
        description="Ordered rules choosing the copy to keep; the first that differs decides.",
    )
    preferred_folders: list[str] = Field(
        default_factory=list,
        description="Folders (as this process sees them) whose copies the keeper rule "
        "'preferred-folder' prefers.",
    )
    pair_time_tolerance_s: float = Field(
        default=2.0, ge=0, description="Largest capture-time difference of a RAW+JPEG pair."
    )
    burst_gap_s: float = Field(default=1.0, gt=0, description="Largest gap between burst frames.")
    burst_min_frames: int = Field(default=3, ge=2, description="Fewest frames of a burst.")
    format_preference: list[FormatName] = Field(
        default_factory=lambda: list(DEFAULT_FORMATS),
        description="Which file of a pair is the primary (first wins).",
    )
    immich_duplicates: bool = Field(
        default=True,
        description="Show Immich's own duplicate groups as a review-only 'semantic' tier.",
    )

    @field_validator("executor")
    @classmethod
    def _executor(cls, value: str) -> str:
        if value and not EXECUTOR_SPEC.fullmatch(value):
            raise ValueError("expected 'module:function', e.g. 'mycluster:executor'")
        return value


StackKind = Literal["raw+jpeg", "variant", "burst"]
ReviewTier = Literal["exact", "near"]
DEFAULT_STACKS: tuple[StackKind, ...] = ("raw+jpeg",)
DEFAULT_TIERS: tuple[ReviewTier, ...] = ("exact", "near")


class WritebackSettings(Section):
    """What `plan` / `apply` write into Immich (each kind on its own switch)."""

    stacks: list[StackKind] = Field(
        default_factory=lambda: list(DEFAULT_STACKS),
        description="Kinds of pairs made into Immich stacks (primary = the chosen primary).",
    )
    review_album: bool = Field(
        default=True, description="Put members of duplicate groups into a review album."
    )
    review_album_name: str = Field(
        default="Duplicates to review", min_length=1, description="Name of that album."
    )
    review_tiers: list[ReviewTier] = Field(
        default_factory=lambda: list(DEFAULT_TIERS),
        description="Which duplicate groups go to the review album (and are published).",
    )
    publish_duplicates: bool = Field(
        default=False,
        description="Publish duplicate groups to Immich's own 'Review duplicates' page.",
    )
    repair_moves: bool = Field(
        default=False,
        description="Carry albums, tags, favourite and description from an asset Immich "
        "re-imported under a new id after its file moved, to the new asset.",
    )
    tags: bool = Field(
        default=False,
        description="Tag members of duplicate groups and pairs (<tag_root>/duplicate/exact, "
        "<tag_root>/raw+jpeg, ...).",
    )
    tag_root: str = Field(
        default="immich-sidecar",
        min_length=1,
        pattern=r"^[^/]+$",
        description="The parent tag of the sidecar's tags.",
    )
    tag_external: bool = Field(
        default=False,
        description="Tag external-library assets too: Immich then writes an .xmp file beside "
        "each original, inside the library folder.",
    )
    settle_seconds: float = Field(
        default=15.0,
        ge=0,
        description="Seconds a run waits after updating assets (publishing duplicate groups, "
        "repairing moves) before tagging them, and before reading back the tags it wrote: "
        "Immich queues a metadata write per updated asset that can drop tags written "
        "meanwhile.",
    )
    repair_external: bool = Field(
        default=False,
        description="Carry tags and description to re-imported external-library assets too "
        "(repair_moves): Immich then writes an .xmp file beside the original, inside the "
        "library folder, which undo cannot remove.",
    )


AutoCategory = Literal[
    "raw+jpeg", "variant", "burst", "review-album", "tags", "duplicates", "repair-moves"
]


class ScheduleSettings(Section):
    """What `serve` runs, and when."""

    sync_every_min: float = Field(
        default=15.0, ge=0, description="Minutes between Immich syncs (0: never)."
    )
    scan_cron: str = Field(
        default="30 3 * * *",
        description="When to reconcile the media folders (cron: minute hour day month weekday; "
        "empty: never).",
    )
    plan_every_min: float = Field(
        default=60.0, ge=0, description="Minutes between write-back plans (0: never)."
    )
    auto_apply: list[AutoCategory] = Field(
        default_factory=list,
        description="Write-back categories the daemon applies by itself; empty: it only "
        "plans (a dry run). Trash is never automatic.",
    )
    analyze_after_changes: bool = Field(
        default=True, description="Run the analysis after a sync or scan that found changes."
    )
    watch: bool = Field(default=True, description="Watch the media folders for changes.")
    watch_debounce_ms: int = Field(
        default=1600, ge=50, description="Changes are gathered this long before a rescan."
    )
    watch_force_polling: bool = Field(
        default=False, description="Poll instead of inotify (network filesystems)."
    )
    health_max_failing_min: float = Field(
        default=60.0,
        gt=0,
        description="'health' fails when syncs have been failing for longer than this.",
    )

    @field_validator("scan_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if value.strip():
            try:
                check_crontab(value)
            except ValueError as exc:
                raise ValueError(f"not a cron expression: {exc}") from None
        return value
