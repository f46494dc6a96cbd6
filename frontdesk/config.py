"""Where frontdesk keeps its files, and this desk's own preferences (TOML).

Clinic-wide settings (hours, chairs, lengths, phone region) live in the database so every
desk sharing it agrees; see services.settings.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "frontdesk"
DB_ENV = "FRONTDESK_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "frontdesk.db"


def choose_db_target(flag: str | None) -> str:
    """--db wins over FRONTDESK_DB, which wins over the default location."""
    return flag or os.environ.get(DB_ENV) or str(default_db_path())


@dataclass(frozen=True)
class DeskSettings:
    theme: str = "textual-dark"


class SettingsFileError(ValueError):
    """The settings file cannot be used; the message names the file and the problem."""


def settings_path() -> Path:
    return config_dir() / "config.toml"


def load_desk_settings(path: Path | None = None) -> DeskSettings:
    """This desk's [desk] table; a missing file means the defaults."""
    path = path or settings_path()
    if not path.exists():
        return DeskSettings()
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh).get("desk", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsFileError(f"settings file {path} is not valid TOML: {exc}") from None
    defaults = DeskSettings()
    values = {}
    for key, value in raw.items():
        if key not in DeskSettings.__dataclass_fields__:
            raise SettingsFileError(f"settings file {path}: unknown setting desk.{key}")
        if type(value) is not type(getattr(defaults, key)):
            kind = {int: "a whole number", str: "text"}[type(getattr(defaults, key))]
            raise SettingsFileError(f"settings file {path}: desk.{key} must be {kind}")
        values[key] = value
    return DeskSettings(**values)
