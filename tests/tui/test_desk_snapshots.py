"""The desk's look at 80x24 and 160x50, dark and light, on a fixed clock and fixed data.

Update after an intended change with `pytest tests/tui/test_desk_snapshots.py
--snapshot-update` and look at the report before committing."""

from __future__ import annotations

import pytest

from frontdesk.config import DeskSettings
from frontdesk.tui.app import FrontdeskApp

from desk_support import settle

SIZES = [(80, 24), (160, 50)]
THEMES = ["textual-dark", "textual-light"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_desk(desk_db, snap_compare, size, theme):
    app = FrontdeskApp(clinic_name="Test Clinic",
                       desk=DeskSettings(theme=theme, staff="snap"))

    async def loaded(pilot):
        await settle(pilot)
        await pilot.press("down", "down")  # a patient with history in the detail
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_calendar_and_a_list(desk_db, snap_compare, size):
    app = FrontdeskApp(clinic_name="Test Clinic",
                       desk=DeskSettings(theme="textual-dark", staff="snap"))

    async def calendar_then_due(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("c", "tab", "down", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=calendar_then_due)
