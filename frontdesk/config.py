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
    idle_lock_minutes: int = 0


def load_desk_settings(path: Path | None = None) -> DeskSettings:
    path = path or config_dir() / "config.toml"
    if not path.exists():
        return DeskSettings()
    with path.open("rb") as fh:
        raw = tomllib.load(fh).get("desk", {})
    known = {k: v for k, v in raw.items() if k in DeskSettings.__dataclass_fields__}
    return DeskSettings(**known)
