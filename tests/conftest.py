"""Shared fixtures: real SQLite files under tmp_path, a fixed clock, the real CLI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontdesk import clock

TODAY = dt.date(2026, 11, 21)
FRONTDESK = Path(sys.executable).with_name("frontdesk")


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """An open, empty clinic database in a real SQLite file."""
    from frontdesk.services.clinic import close_clinic, open_clinic
    path = tmp_path / "clinic.db"
    open_clinic(str(path))
    yield path
    close_clinic()


@pytest.fixture
def user_dirs(tmp_path, monkeypatch) -> dict[str, str]:
    """Keep platformdirs (data, config, logs) inside tmp_path for this test and its children."""
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg-data"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
           "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FRONTDESK_DB", raising=False)
    return env


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def frontdesk(user_dirs, tmp_path):
    """Run the installed `frontdesk` command in a subprocess: frontdesk('lists', '--on', ...)."""
    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
        full_env = {**os.environ, **user_dirs, **(env or {})}
        proc = subprocess.run([str(FRONTDESK), *args], capture_output=True, text=True,
                              encoding="utf-8", env=full_env, cwd=cwd or tmp_path, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)
    return run
