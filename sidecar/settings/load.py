"""Reading settings: the TOML file, then the environment's overrides, then validation."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sidecar.settings.explain import explain
from sidecar.settings.model import Settings, SettingsError

CONFIG_ENV = "IMMICH_SIDECAR_CONFIG"
STATE_DIR_ENV = "IMMICH_SIDECAR_STATE_DIR"


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
        raise SettingsError(explain(exc, source, text, from_env)) from None
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
