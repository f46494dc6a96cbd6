"""Issue 14 at the desk: one rule in one place.

- A name needs a letter, and long input is taken or refused out loud, never dropped (bug 7).
- A day typed on the phone reads the same in every field: the clinic's phone region is
  passed to the one reader (bug 8).
- One write refreshes the desk once: the change watcher is the one trigger.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from textual import events
from textual.widgets import Input

from frontdesk.config import DeskSettings
from frontdesk.services import flow
from frontdesk.services.patients import ListPager
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens.booking import BookingScreen
from frontdesk.tui.screens.recall_call import CallScreen
from frontdesk.tui.screens.register import RegisterScreen
from frontdesk.tui.screens.series import SeriesScreen

from desk_support import (BOARD_NOW, open_register_form, register_note, rows, screen_text, settle,
                          type_text)


def _app(db) -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff="anna"))


# --- bug 7: junk and lost input ---------------------------------------------------------------

async def test_a_last_name_of_only_emoji_is_refused_under_the_field(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 34)) as pilot:
        await open_register_form(pilot)
        for name, value in (("first_name", "Ana"), ("last_name", "😀🎉"),
                            ("date_of_birth", "1990-01-02"), ("phone", "(650) 253-0099")):
            app.screen.query_one(f"#reg-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert "no letter" in register_note(app, "last_name")
        assert rows(board_db, "SELECT count(*) FROM patient WHERE first_name = 'Ana' "
                               "AND date_of_birth = '1990-01-02'") == [(0,)]


@pytest.mark.parametrize("name", ["first_name", "last_name", "date_of_birth", "phone",
                                  "email"])
async def test_a_paste_too_long_for_a_field_says_so_under_it(board_db, name):
    app = _app(board_db)
    async with app.run_test(size=(100, 34)) as pilot:
        await open_register_form(pilot)
        field = app.screen.query_one(f"#reg-{name}", Input)
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("x" * 400))
        await settle(pilot)
        assert field.value == ""  # nothing half-taken
        assert "Not pasted" in register_note(app, name)
        assert "400 characters" in register_note(app, name)


async def test_a_long_name_pasted_is_taken_and_its_check_says_why_it_is_too_long(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 34)) as pilot:
        await open_register_form(pilot)
        field = app.screen.query_one("#reg-last_name", Input)
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("Núñez-" * 25))  # 150 characters
        await settle(pilot)
        assert field.value == "Núñez-" * 25
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "longer than 100 characters" in register_note(app, "last_name")


async def test_a_note_too_long_for_a_call_is_refused_with_a_notification(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "walker")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        note = app.screen.query_one("#call-note", Input)
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste("y" * 5000))
        await settle(pilot)
        assert note.value == ""
        told = "\n".join(n.message for n in app._notifications)
        assert "Not pasted" in told and "5,000 characters" in told


# --- bug 8: one reading of a typed day --------------------------------------------------------

@pytest.fixture
def day_first_clinic(board_db):
    """The clinic's phones are British: 5/1 is the 5th of January."""
    with sqlite3.connect(board_db) as conn:
        conn.execute("INSERT OR REPLACE INTO clinic_setting (key, value) VALUES (?, ?)",
                     ("phone_region", json.dumps("GB")))
    return board_db


async def test_the_same_text_is_the_same_day_in_every_field(day_first_clinic):
    fifth_of_january = dt.date(BOARD_NOW.year + 1, 1, 5)
    app = _app(day_first_clinic)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "walker")
        await pilot.press("enter")
        await settle(pilot)
        # the booking's From
        await pilot.press("n")
        await settle(pilot)
        booking = app.screen
        assert isinstance(booking, BookingScreen)
        await pilot.press("f")
        await type_text(pilot, "5/1")
        await pilot.press("enter")
        await settle(pilot)
        assert booking.from_day == fifth_of_january
        # the series' From
        await pilot.press("s")
        await settle(pilot)
        series = app.screen
        assert isinstance(series, SeriesScreen)
        series.query_one("#series-first", Input).value = "5/1"
        await settle(pilot)
        assert series.read_fields()[2] == fifth_of_january
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # the call-back day
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("6")
        await type_text(pilot, "5/1")
        await settle(pilot)
        assert "Tuesday 05 January 2027" in screen_text(app)


# --- one refresh per change -------------------------------------------------------------------

async def _wait_for_the_watcher(pilot) -> None:
    """Long enough for the watcher's every-half-second look to have seen the write too."""
    for _ in range(6):
        await pilot.pause(0.25)
        await settle(pilot, rounds=2)


async def test_a_call_logged_at_the_desk_reloads_its_list_once(board_db, monkeypatch):
    app = _app(board_db)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "walker")
        await pilot.press("enter")
        await _wait_for_the_watcher(pilot)
        loads = []
        size = ListPager.size
        monkeypatch.setattr(ListPager, "size", lambda pager: loads.append(1) or size(pager))
        await pilot.press("l", "2", "enter")  # a call: no answer
        await _wait_for_the_watcher(pilot)
        assert rows(board_db, "SELECT count(*) FROM recall_call") == [(1,)]
        assert len(loads) == 1


async def test_a_status_change_on_the_board_reloads_it_once(board_db, monkeypatch):
    app = _app(board_db)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await _wait_for_the_watcher(pilot)
        loads = []
        board_ids = flow.board_ids
        monkeypatch.setattr(flow, "board_ids", lambda day, unfinished_only=False: (
            loads.append(1) if not unfinished_only else None) or board_ids(
                day, unfinished_only=unfinished_only))
        await pilot.press("space")
        await _wait_for_the_watcher(pilot)
        assert "arrived" in screen_text(app) or "in chair" in screen_text(app)
        assert len(loads) == 1
