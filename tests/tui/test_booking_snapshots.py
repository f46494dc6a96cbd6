"""The booking screens' look at 80x24 and 160x50, dark and light, on the board's Monday
morning (tests/tui/conftest.py: board_db, 09:05): the slots offered to Dan Lee with his
appointments ahead, and the preview of Cara Smith's first series (one infusion at another
time than asked, one day already full at the asked time).

Update after an intended change with `pytest tests/tui/test_booking_snapshots.py
--snapshot-update` and look at the report before committing."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from frontdesk.config import DeskSettings
from frontdesk.services import booking
from frontdesk.tui.app import FrontdeskApp

from desk_support import settle, type_text

SIZES = [(80, 24), (160, 50)]
THEMES = ["textual-dark", "textual-light"]


def _id(db, chart: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id FROM patient WHERE chart_number = ?",
                            (chart,)).fetchone()[0]


def _app(db, theme: str) -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(theme=theme, staff="snap"))


def _open_booking(name: str, then: tuple[str, ...] = ()):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, name)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        for key in then:
            await pilot.press(key)
            await settle(pilot)
    return run


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_booking_screen(board_db, snap_compare, size, theme):
    booking.book(_id(board_db, "C-4"), "assessment", dt.datetime(2026, 11, 25, 14), staff="snap")
    booking.book(_id(board_db, "C-4"), "infusion", dt.datetime(2026, 12, 21, 10), staff="snap")
    assert snap_compare(_app(board_db, theme), terminal_size=size, run_before=_open_booking("lee"))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_series_preview(board_db, snap_compare, size, theme):
    for chart in ("C-1", "C-2", "C-4", "C-5"):  # Wednesday 09:00: every chair taken
        booking.book(_id(board_db, chart), "infusion", dt.datetime(2026, 11, 25, 9), staff="snap")
    assert snap_compare(_app(board_db, theme), terminal_size=size,
                        run_before=_open_booking("smith", ("s",)))


def test_moving_an_appointment_asks_why(board_db, snap_compare):
    assert snap_compare(_app(board_db, "textual-dark"), terminal_size=(80, 24),
                        run_before=_open_booking("lee", ("r", "down", "enter")))
