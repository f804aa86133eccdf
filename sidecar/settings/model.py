"""`Settings`: every section, the API keys of the users to mirror, and path mapping."""

from __future__ import annotations

import posixpath
from pathlib import Path

from pydantic import Field

from sidecar.engine.core import paths
from sidecar.settings.policies import AnalysisSettings, ScheduleSettings, WritebackSettings
from sidecar.settings.sections import (
    ImmichSettings,
    LibrarySettings,
    ScanSettings,
    Section,
    StorageSettings,
    SyncSettings,
)


class SettingsError(Exception):
    """The configuration is unusable; the message is one line a user can act on."""


class Settings(Section):
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

    def local_path_of(self, immich_path: str) -> str | None:
        """`map_immich_path` as a normalised string (no Path made: called once per asset of
        the whole library, a fifth of the cost)."""
        found = paths.locate(self.libraries, immich_path)
        if found is None:
            return None
        lib, rest = found
        root = str(lib.local_path)
        return posixpath.normpath(f"{root}/{rest}" if rest else root)

    def immich_paths_of(self, local_path: str) -> list[str]:
        """The Immich paths that `local_path_of` maps to this local path (the inverse: a few
        libraries may hold it; each candidate checked against the forward mapping)."""
        local = posixpath.normpath(local_path)
        out = []
        for lib in self.libraries:
            if lib.immich_path is None:
                continue
            root = posixpath.normpath(str(lib.local_path))
            if local != root and not local.startswith(root.rstrip("/") + "/"):
                continue
            rest = local[len(root) :].lstrip("/")
            prefix = lib.immich_path.rstrip("/")
            candidate = f"{prefix}/{rest}" if rest else prefix
            if self.local_path_of(candidate) == local:
                out.append(candidate)
        return out

    def map_immich_path(self, immich_path: str) -> Path | None:
        """Translate a path Immich reports into the path this process sees (longest prefix)."""
        found = paths.locate(self.libraries, immich_path)
        if found is None:
            return None
        lib, rest = found
        return lib.local_path / rest if rest else lib.local_path


def _read_key(value: str | None, file: Path | None) -> str | None:
    if value:
        return value
    if file is None:
        return None
    try:
        return file.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise SettingsError(f"cannot read the API key file {file}: {exc.strerror}") from exc
