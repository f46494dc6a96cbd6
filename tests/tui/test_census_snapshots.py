"""The census's look: the day, the week, the 30-day and 12-week trends at 80x24; the day and
the trend at 160x50; the light theme. The demo clinic of 200 patients (a busy Friday with
the weeks before it) on a fixed clock, and the hand-computed Monday with a retired chair.

Update after an intended change with `pytest tests/tui/test_census_snapshots.py
--snapshot-update` and look at the report before committing."""

from __future__ import annotations

import sqlite3

import pytest

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.tui.app import FrontdeskApp

from census_support import CENSUS_DAY, write_clinic
from desk_support import settle

VIEWS = {"day": (), "week": ("w",), "trend-30-days": ("g",), "trend-12-weeks": ("g", "g")}


def _app(db, theme: str = "textual-dark") -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(theme=theme, staff="snap"))


def _census_then(*keys: str):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
    return run_before


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_at_80x24(desk_db, snap_compare, view):
    assert snap_compare(_app(desk_db), terminal_size=(80, 24),
                        run_before=_census_then(*VIEWS[view]))


@pytest.mark.parametrize("view", ["day", "trend-30-days"])
def test_a_large_terminal(desk_db, snap_compare, view):
    assert snap_compare(_app(desk_db), terminal_size=(160, 50),
                        run_before=_census_then(*VIEWS[view]))


@pytest.mark.parametrize("view", ["day", "week", "trend-30-days"])
def test_the_light_theme(desk_db, snap_compare, view):
    assert snap_compare(_app(desk_db, "textual-light"), terminal_size=(80, 24),
                        run_before=_census_then(*VIEWS[view]))


@pytest.fixture
def census_db(db_path, tmp_path):
    from frontdesk.services.importer import import_csv
    clock.set_today(CENSUS_DAY)
    import_csv(*write_clinic(tmp_path))
    with sqlite3.connect(db_path) as conn:  # Chair 4 retired after its Monday booking
        conn.execute("UPDATE chair SET active = 0 WHERE name = 'Chair 4'")
    yield db_path
    clock.set_today(None)


def test_the_hand_computed_monday_with_a_retired_chair(census_db, snap_compare):
    assert snap_compare(_app(census_db), terminal_size=(80, 24), run_before=_census_then())
