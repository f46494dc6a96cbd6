"""Fixtures for the command-line tests (helpers live in cli_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import TODAY


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "clinic.db"


@pytest.fixture
def cli(frontdesk, db):
    """`frontdesk --db <tmp>/clinic.db --today 2026-11-21 ARGS...` in a subprocess."""
    def run(*args: str, env: dict[str, str] | None = None):
        return frontdesk("--db", str(db), "--today", TODAY, *args, env=env)
    return run
