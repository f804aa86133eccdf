"""Typed settings: a TOML file plus environment overrides for secrets and URLs.

Load order: built-in defaults < TOML file (``--config`` or ``IMMICH_SIDECAR_CONFIG``) <
environment (``IMMICH_URL``, ``IMMICH_API_KEY``, ``IMMICH_API_KEY_FILE``,
``IMMICH_SIDECAR_STATE_DIR``). Unknown keys are errors naming the file, the key and the
closest valid key; bad values say what was expected.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sidecar.engine.core.cron import check_crontab

CONFIG_ENV = "IMMICH_SIDECAR_CONFIG"
STATE_DIR_ENV = "IMMICH_SIDECAR_STATE_DIR"
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


class SettingsError(Exception):
    """The configuration is unusable; the message is one line a user can act on."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImmichUser(_Section):
    """Another Immich user whose library is mirrored too (one API key per user)."""

    name: str = Field(description="A label for this user in reports and the inventory.")
    api_key: str | None = Field(default=None, description="This user's API key.")
    api_key_file: Path | None = Field(default=None, description="File holding the key.")


class ImmichSettings(_Section):
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


class StorageSettings(_Section):
    """Where the sidecar keeps its own state."""

    state_dir: Path = Field(
        default=DEFAULT_STATE_DIR, description="Folder for the inventory database and backups."
    )

    @property
    def db_path(self) -> Path:
        return self.state_dir / DB_FILENAME


class LibrarySettings(_Section):
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


class ScanSettings(_Section):
    """Disk reconciliation."""

    batch_size: int = Field(default=500, ge=1, le=10_000, description="Rows per transaction.")
    hash_algorithm: HashAlgorithm = Field(default="sha1", description="Content hash: sha1|sha256.")
    concurrency: int = Field(default=4, ge=1, le=64, description="Files hashed at once.")
    ignore: list[str] = Field(
        default_factory=lambda: list(DEFAULT_IGNORE),
        description="fnmatch patterns on file and folder names that are skipped.",
    )
    extra_ignore: list[str] = Field(
        default_factory=list, description="Patterns added to `ignore` without replacing it."
    )

    @property
    def ignore_patterns(self) -> tuple[str, ...]:
        return (*self.ignore, *self.extra_ignore)


class SyncSettings(_Section):
    """Mirroring Immich assets into the inventory."""

    page_size: int = Field(default=1000, ge=1, le=1000, description="Assets per search page.")
    overlap_s: float = Field(
        default=60.0, ge=0, description="Seconds re-read before the watermark (late commits)."
    )
    full_sweep_every_h: float = Field(
        default=24.0, gt=0, description="Hours between full passes that catch anything missed."
    )


KeeperRule = Literal[
    "pixels",
    "camera-original",
    "camera-format",
    "file-size",
    "prefer-raw",
    "exif",
    "album",
    "favorite",
    "rating",
    "description",
    "tag",
    "preferred-folder",
    "older",
    "original-name",
    "shorter-path",
]
FormatName = Literal["jpeg", "heic", "png", "tiff", "webp", "raw"]
DEFAULT_KEEPER: tuple[KeeperRule, ...] = (
    "album",
    "favorite",
    "rating",
    "description",
    "tag",
    "preferred-folder",
    "pixels",
    "camera-original",
    "original-name",
    "camera-format",
    "file-size",
    "exif",
    "older",
    "shorter-path",
)
DEFAULT_FORMATS: tuple[FormatName, ...] = ("jpeg", "heic", "png", "raw")


class AnalysisSettings(_Section):
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


StackKind = Literal["raw+jpeg", "variant", "burst"]
ReviewTier = Literal["exact", "near"]
DEFAULT_STACKS: tuple[StackKind, ...] = ("raw+jpeg",)
DEFAULT_TIERS: tuple[ReviewTier, ...] = ("exact", "near")


class WritebackSettings(_Section):
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


class ScheduleSettings(_Section):
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
        description="`health` fails when syncs have been failing for longer than this.",
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


class Settings(_Section):
    immich: ImmichSettings = Field(default_factory=ImmichSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    libraries: list[LibrarySettings] = Field(default_factory=list)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    writeback: WritebackSettings = Field(default_factory=WritebackSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    source: str = Field(default="<defaults>", exclude=True)

    def api_key(self) -> str | None:
        """The API key from the setting, or read from `api_key_file`."""
        return _read_key(self.immich.api_key, self.immich.api_key_file)

    def immich_url(self) -> str:
        """The Immich server URL; a clear error when none is configured."""
        if not self.immich.url:
            raise SettingsError("no Immich server configured: set [immich] url or IMMICH_URL")
        return self.immich.url

    def required_user_keys(self) -> list[tuple[str, str]]:
        """`user_keys()` for commands that talk to Immich: the URL and a key must exist."""
        self.immich_url()
        keys = self.user_keys()
        if not keys:
            raise SettingsError(
                "no API key configured: set IMMICH_API_KEY, [immich] api_key or api_key_file"
            )
        return keys

    def user_keys(self) -> list[tuple[str, str]]:
        """(label, API key) of every user to mirror: the main key first, labelled "default"."""
        keys: list[tuple[str, str]] = []
        main = self.api_key()
        if main:
            keys.append(("default", main))
        for user in self.immich.users:
            key = _read_key(user.api_key, user.api_key_file)
            if not key:
                raise SettingsError(
                    f"[[immich.users]] '{user.name}' has no api_key or api_key_file"
                )
            keys.append((user.name, key))
        return keys

    def map_immich_path(self, immich_path: str) -> Path | None:
        """Translate a path Immich reports into the path this process sees (longest prefix)."""
        best: tuple[int, Path] | None = None
        for lib in self.libraries:
            prefix = lib.immich_path
            if prefix is None:
                continue
            prefix = prefix.rstrip("/")
            if immich_path == prefix or immich_path.startswith(prefix + "/"):
                rest = immich_path[len(prefix) :].lstrip("/")
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), lib.local_path / rest if rest else lib.local_path)
        return best[1] if best else None


UPLOAD_ORIGINALS = ("library", "upload")  # folders of Immich's upload location with originals


def _read_key(value: str | None, file: Path | None) -> str | None:
    if value:
        return value
    if file is None:
        return None
    try:
        return file.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise SettingsError(f"cannot read the API key file {file}: {exc.strerror}") from exc


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `path` (or $IMMICH_SIDECAR_CONFIG) and the environment."""
    env = os.environ if environ is None else environ
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
    data: dict[str, Any] = {}
    source = "<defaults>"
    text = ""
    if path is not None:
        source = str(path)
        data, text = _read_toml(path)
    from_env = _apply_env(data, env)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(_explain(exc, source, text, from_env)) from None
    return settings.model_copy(update={"source": source})


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{path}: config file not found") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read config file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: config file is not UTF-8 text") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


ENV_OVERRIDES: tuple[tuple[str, str, str], ...] = (
    ("IMMICH_URL", "immich", "url"),
    ("IMMICH_API_KEY", "immich", "api_key"),
    ("IMMICH_API_KEY_FILE", "immich", "api_key_file"),
    (STATE_DIR_ENV, "storage", "state_dir"),
)


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """Put the environment's overrides into `data`; the dotted keys they set, with the
    variable that set each (so a bad value is reported as the variable's, not the file's)."""
    used: dict[str, str] = {}
    for var, table, key in ENV_OVERRIDES:
        if not env.get(var):
            continue
        section = data.setdefault(table, {})
        if not isinstance(section, dict):
            continue  # the validator reports the wrong type
        section[key] = env[var]
        used[f"{table}.{key}"] = var
    return used


def _line_of(text: str, loc: list[int | str]) -> int | None:
    """The line (1-based) where the key at `loc` is written, when it can be found."""
    names = [p for p in loc if isinstance(p, str)]
    if not names or not text:
        return None
    table: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            table = line.strip("[] ").split(".")
            continue
        key = line.split("=", 1)[0].strip().strip('"') if "=" in line else None
        if key == names[-1] and table == names[:-1]:
            return n
    return None


def _explain(
    exc: ValidationError, source: str, text: str = "", from_env: Mapping[str, str] | None = None
) -> str:
    """One line per problem: file and line (or the environment variable), dotted key, what
    is wrong, what was expected."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        key = _dotted(loc)
        line = _line_of(text, loc)
        if from_env and key in from_env:
            where = f"environment variable {from_env[key]}"
        else:
            where = f"{source}, line {line}" if line else source
        if err["type"] == "extra_forbidden":
            hint = _closest(loc)
            suggestion = f"; did you mean '{hint}'?" if hint else ""
            lines.append(f"{where}: unknown key '{key}'{suggestion}")
        elif err["type"] == "missing":
            lines.append(f"{where}: missing required key '{key}'")
        else:
            got = err.get("input")
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: bad value for '{key}' ({shown}): {msg}")
    return "\n".join(lines)


def _dotted(loc: list[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _closest(loc: list[int | str]) -> str | None:
    """Closest valid key for an unknown key at `loc`, as a dotted path."""
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _model_of(field.annotation) or model
    candidates = [name for name in model.model_fields if name != "source"]
    match = difflib.get_close_matches(str(loc[-1]), candidates, n=1, cutoff=0.5)
    if not match:
        return None
    return _dotted([*loc[:-1], match[0]])


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None
