"""Typed settings: a TOML file plus environment overrides for secrets and URLs.

Load order: built-in defaults < TOML file (``--config`` or ``IMMICH_SIDECAR_CONFIG``) <
environment (``IMMICH_URL``, ``IMMICH_API_KEY``, ``IMMICH_API_KEY_FILE``,
``IMMICH_SIDECAR_STATE_DIR``). Unknown keys are errors naming the file, the key and the
closest valid key; bad values say what was expected.

`sections` and `policies` hold the section models (every field documented), `model` the whole
`Settings`, `load` the reading of file and environment, `explain` the error messages.
"""

from sidecar.settings.load import CONFIG_ENV, ENV_OVERRIDES, STATE_DIR_ENV, load_settings
from sidecar.settings.model import Settings, SettingsError
from sidecar.settings.policies import (
    DEFAULT_FORMATS,
    DEFAULT_STACKS,
    DEFAULT_TIERS,
    AnalysisSettings,
    AutoCategory,
    FormatName,
    ReviewTier,
    ScheduleSettings,
    StackKind,
    WritebackSettings,
)
from sidecar.settings.sections import (
    DB_FILENAME,
    DEFAULT_IGNORE,
    DEFAULT_STATE_DIR,
    UPLOAD_ORIGINALS,
    HashAlgorithm,
    ImmichSettings,
    ImmichUser,
    LibrarySettings,
    ScanSettings,
    StorageSettings,
    SyncSettings,
)

__all__ = [
    "CONFIG_ENV",
    "DB_FILENAME",
    "DEFAULT_FORMATS",
    "DEFAULT_IGNORE",
    "DEFAULT_STACKS",
    "DEFAULT_STATE_DIR",
    "DEFAULT_TIERS",
    "ENV_OVERRIDES",
    "STATE_DIR_ENV",
    "UPLOAD_ORIGINALS",
    "AnalysisSettings",
    "AutoCategory",
    "FormatName",
    "HashAlgorithm",
    "ImmichSettings",
    "ImmichUser",
    "LibrarySettings",
    "ReviewTier",
    "ScanSettings",
    "ScheduleSettings",
    "Settings",
    "SettingsError",
    "StackKind",
    "StorageSettings",
    "SyncSettings",
    "WritebackSettings",
    "load_settings",
]
