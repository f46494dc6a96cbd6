"""The board's look at 80x24 and 160x50, dark and light, mid-morning on a fixed clock: one
patient waiting too long, one in a chair, one past the end of recovery, one cancelled late.

Update after an intended change with `pytest tests/tui/test_board_snapshots.py
--snapshot-update` and look at the report before committing."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.services import flow
from frontdesk.tui.app import FrontdeskApp

from desk_support import BOARD_NOW, settle

SIZES = [(80, 24), (160, 50)]
THEMES = ["textual-dark", "textual-light"]


def _morning(board_db) -> None:
    ids = {line.name: line.id for line in flow.board_lines(flow.board_ids(BOARD_NOW.date()),
                                                            BOARD_NOW.date())}
    clock.set_now(BOARD_NOW - dt.timedelta(minutes=70))  # 07:55
    for status in ("arrived", "in_chair", "recovery"):
        flow.set_status(ids["Okafor, Ben"], status, staff="snap")
    flow.set_status(ids["Young, Fay"], "cancelled", staff="snap", reason="illness")
    clock.set_now(BOARD_NOW - dt.timedelta(minutes=25))  # 08:40
    flow.check_in(ids["Smith, Cara"], staff="snap", phq9=12, gad7=7)
    clock.set_now(BOARD_NOW - dt.timedelta(minutes=5))
    flow.set_status(ids["Núñez, Ana"], "arrived", staff="snap")
    flow.set_status(ids["Núñez, Ana"], "in_chair", staff="snap")
    clock.set_now(BOARD_NOW + dt.timedelta(minutes=40))  # 09:45: Ben's recovery ran over


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_board(board_db, snap_compare, size, theme):
    _morning(board_db)
    app = FrontdeskApp(clinic_name="Test Clinic",
                       desk=DeskSettings(theme=theme, staff="snap"))

    async def open_board(pilot):
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_board)


def test_the_check_in_dialog(board_db, snap_compare):
    app = FrontdeskApp(clinic_name="Test Clinic",
                       desk=DeskSettings(theme="textual-dark", staff="snap"))

    async def check_in_with_a_bad_score(pilot):
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("a", "3", "0", "tab", "9", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=check_in_with_a_bad_score)
