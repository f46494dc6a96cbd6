"""Fixtures for the command-line tests (helpers live in cli_support.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import pytest

from cli_support import TODAY

FRONTDESK = Path(sys.executable).with_name("frontdesk")

#: the user folders of a test's commands, under its tmp_path (tests/conftest.py: user_dirs)
USER_DIRS = {"XDG_DATA_HOME": "xdg-data", "XDG_CONFIG_HOME": "xdg-config",
             "XDG_STATE_HOME": "xdg-state", "XDG_CACHE_HOME": "xdg-cache"}
SETTINGS_STATE = Path("xdg-state") / "frontdesk" / "settings-applied.json"


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "clinic.db"


@pytest.fixture
def cli(frontdesk, db):
    """`frontdesk --db <tmp>/clinic.db --today 2026-11-21 ARGS...` in a subprocess."""
    def run(*args: str, env: dict[str, str] | None = None):
        return frontdesk("--db", str(db), "--today", TODAY, *args, env=env)
    return run


# --- a clinic made by commands once, copied for each test ---------------------------------------

Build = Callable[[Callable[..., SimpleNamespace], Path], object]


class MadeOnce:
    """What `build(cli, folder)` left in a folder of its own, where `cli` runs the real
    command as a test's `cli` does (its clinic.db, its user folders, its working directory):
    the database, the settings file and settings record the commands wrote, the CSV files."""

    def __init__(self, folder: Path, build: Build) -> None:
        self.folder, self.db = folder, folder / "clinic.db"
        env = {**os.environ, **{key: str(folder / name) for key, name in USER_DIRS.items()}}
        env.pop("FRONTDESK_DB", None)

        def cli(*args: str) -> SimpleNamespace:  # the test's cli, with code, out and err
            proc = subprocess.run([str(FRONTDESK), "--db", str(self.db), "--today", TODAY,
                                   *args], capture_output=True, text=True, encoding="utf-8",
                                  env=env, cwd=folder, timeout=120)
            return SimpleNamespace(code=proc.returncode, out=proc.stdout, err=proc.stderr)

        self.value = build(cli, folder)
        for leftover in ("clinic.db-wal", "clinic.db-shm"):
            assert not (folder / leftover).exists(), "a command left its database open"

    def copy_to(self, tmp_path: Path, db: Path) -> object:
        """Everything in the folder copied into the test's tmp_path, as if the commands had
        run there: the settings record names the test's database instead."""
        assert db == tmp_path / "clinic.db"
        shutil.copytree(self.folder, tmp_path, dirs_exist_ok=True)
        record = tmp_path / SETTINGS_STATE
        if record.exists():
            state = json.loads(record.read_text(encoding="utf-8"))
            applied = state.get("applied", {})
            ours = applied.pop(f"sqlite:{self.db.resolve()}", None)
            if ours is not None:
                applied[f"sqlite:{db.resolve()}"] = ours
            record.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        return self.value


@pytest.fixture(scope="session")
def _made(tmp_path_factory) -> Callable[[Build], MadeOnce]:
    made: dict[Build, MadeOnce] = {}

    def get(build: Build) -> MadeOnce:
        if build not in made:
            made[build] = MadeOnce(tmp_path_factory.mktemp(build.__name__), build)
        return made[build]
    return get


@pytest.fixture
def made_once(_made, user_dirs, tmp_path, db) -> Callable[[Build], object]:
    """made_once(build): the clinic (and the files) `build(cli, folder)` makes with real
    commands, made once per test process and copied into this test's tmp_path; returns what
    build returned. Running the commands again for each test cost a `frontdesk` process or
    three (0.3-1 s each) per test."""
    return lambda build: _made(build).copy_to(tmp_path, db)
