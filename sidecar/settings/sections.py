"""The sections about Immich and the media: server and users, storage, libraries, scan, sync."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_STATE_DIR = Path("./sidecar-state")
DB_FILENAME = "inventory.db"

HashAlgorithm = Literal["sha1", "sha256"]

DEFAULT_IGNORE = [
    ".*",  # hidden files and folders (.DS_Store, .thumbnails, .stfolder, ...)
    "*.tmp",
    "*.part",
    "~*",
    "@eaDir",  # Synology thumbnails
    "#recycle",  # Synology recycle bin
    "#snapshot",
    "$RECYCLE.BIN",
    "Thumbs.db",
    "lost+found",
]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImmichUser(Section):
    """Another Immich user whose library is mirrored too (one API key per user)."""

    name: str = Field(description="A label for this user in reports and the inventory.")
    api_key: str | None = Field(default=None, description="This user's API key.")
    api_key_file: Path | None = Field(default=None, description="File holding the key.")


class ImmichSettings(Section):
    """Where Immich is and how to talk to it."""

    url: str | None = Field(
        default=None, description="Immich server URL, with or without the trailing /api."
    )
    api_key: str | None = Field(
        default=None, description="API key (prefer IMMICH_API_KEY or IMMICH_API_KEY_FILE)."
    )
    api_key_file: Path | None = Field(
        default=None, description="File holding the API key (a Docker secret)."
    )
    connect_timeout_s: float = Field(default=10.0, gt=0, description="TCP connect timeout.")
    request_timeout_s: float = Field(default=60.0, gt=0, description="Whole-request timeout.")
    retries: int = Field(
        default=5, ge=1, le=20, description="Attempts for idempotent writes on transient failures."
    )
    read_retry_s: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="Seconds reads and searches keep retrying while Immich is unavailable.",
    )
    users: list[ImmichUser] = Field(
        default_factory=list, description="More users to mirror, each with its own API key."
    )

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected a URL starting with http:// or https://")
        parts = urllib.parse.urlsplit(value)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not parts.hostname or port == -1 or port == 0:
            raise ValueError(
                "expected http(s)://HOST[:PORT][/api] with a port from 1 to 65535, "
                "e.g. http://immich-server:2283"
            )
        return value


class StorageSettings(Section):
    """Where the sidecar keeps its own state."""

    state_dir: Path = Field(
        default=DEFAULT_STATE_DIR, description="Folder for the inventory database and backups."
    )

    @property
    def db_path(self) -> Path:
        return self.state_dir / DB_FILENAME


class LibrarySettings(Section):
    """One media root: the folder as Immich reports it, and as this process sees it."""

    name: str | None = Field(default=None, description="A label for reports.")
    immich_path: str | None = Field(
        default=None,
        description="Path prefix as Immich reports it in originalPath (e.g. /usr/src/app/upload).",
    )
    local_path: Path = Field(description="The same folder as this process sees it.")
    scan: bool = Field(default=True, description="Include this root in disk reconciliation.")
    immich_upload: bool = Field(
        default=False,
        description="This is Immich's upload location: only its library/ and upload/ "
        "folders hold originals (thumbs/, encoded-video/, profile/, backups/ are skipped).",
    )


class ScanSettings(Section):
    """Disk reconciliation."""

    batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Rows of new or changed files per transaction."
    )
    hash_algorithm: HashAlgorithm = Field(default="sha1", description="Content hash: sha1|sha256.")
    concurrency: int = Field(default=4, ge=1, le=64, description="Files hashed at once.")
    ignore: list[str] = Field(
        default_factory=lambda: list(DEFAULT_IGNORE),
        description="fnmatch patterns on file and folder names that are skipped.",
    )
    extra_ignore: list[str] = Field(
        default_factory=list, description="Patterns added to 'ignore' without replacing it."
    )

    @property
    def ignore_patterns(self) -> tuple[str, ...]:
        return (*self.ignore, *self.extra_ignore)


class SyncSettings(Section):
    """Mirroring Immich assets into the inventory."""

    page_size: int = Field(default=1000, ge=1, le=1000, description="Assets per search page.")
    overlap_s: float = Field(
        default=60.0, ge=0, description="Seconds re-read before the watermark (late commits)."
    )
    full_sweep_every_h: float = Field(
        default=24.0, gt=0, description="Hours between full passes that catch anything missed."
    )


UPLOAD_ORIGINALS = ("library", "upload")  # folders of Immich's upload location with originals
