"""Recall calls from the desk: on the Due and Not-seen lists `l` logs how a call went (with
the time and who made it), the list shows each patient's latest attempt, and `h` leaves out
the patients called today (and brings them back)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from textual.widgets import Input, Static

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.domain.errors import ValidationError
from frontdesk.services import recall
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.screens.help import HelpScreen
from frontdesk.domain.spoken_dates import read_call_back_day
from frontdesk.tui.screens.recall_call import CallScreen, OutcomeList
from frontdesk.tui.widgets.detail import DetailPane
from frontdesk.tui.widgets.patient_list import PatientList, short_call

from desk_support import screen_text, settle, type_text

NOW = dt.datetime(2026, 11, 20, 10, 15)  # DESK_DAY, mid-morning


def _app(db, staff="anna") -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff=staff))


def _calls(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT p.chart_number, c.at, s.username, c.outcome, c.call_back_on, c.note "
            "FROM recall_call c JOIN patient p ON p.id = c.patient_id "
            "JOIN staff s ON s.id = c.staff_id ORDER BY c.id").fetchall()


def _patients(app) -> PatientList:
    return app.screen.query_one("#patients", PatientList)


def _line_of(app, name: str) -> str:
    return next(line for line in screen_text(app).splitlines() if name in line)


def _title(app) -> str:
    return str(app.screen.query_one("#patients-pane").border_title)


@pytest.fixture
def now(desk_db):
    clock.set_now(NOW)
    yield NOW
    clock.set_today(None)


async def _due_list(pilot) -> PatientList:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    return _patients(pilot.app)


async def _log(pilot, *keys: str) -> None:
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CallScreen)
    await pilot.press(*keys)
    await settle(pilot)


# --- logging a call ---------------------------------------------------------------------------

async def test_no_answer_on_the_due_list_is_logged_shown_and_hidden_with_h(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        patients = await _due_list(pilot)
        size = patients.row_count
        first = patients.highlighted
        assert "Last call" in screen_text(app)  # the recall list's column, at 80 columns
        assert "h hides called today" in _title(app)
        await _log(pilot, "3", "enter")  # l 3 enter: no answer
        assert isinstance(app.screen, DeskScreen)
        assert _calls(desk_db) == [(first.chart, "2026-11-20 10:15:00", "anna", "no_answer",
                                    None, "")]
        assert patients.highlighted.id == first.id
        assert patients.highlighted.last_call == "11-20 no answer"
        assert "11-20 no answer" in _line_of(app, first.name)
        detail = app.screen.query_one("#detail", DetailPane)
        assert detail.patient.last_call == "11-20 no answer"
        assert any(n.title == "Call logged" and "no answer" in n.message
                   for n in app._notifications)
        # h: the patients called today go; the title says how many
        await pilot.press("h")
        await settle(pilot)
        assert patients.row_count == size - 1
        assert first.id not in [patients.row(i).id for i in range(patients.row_count)]
        assert "1 called today hidden (h)" in _title(app)
        # the next call, made from the hidden list: that patient goes too, the cursor stays
        second = patients.highlighted
        await _log(pilot, "2", "enter")  # left voicemail
        assert patients.row_count == size - 2
        assert patients.highlighted.id != second.id and patients.cursor == 0
        assert "2 called today hidden (h)" in _title(app)
        # h again: everyone back, with their last attempt
        await pilot.press("h")
        await settle(pilot)
        assert patients.row_count == size
        assert "hidden" not in _title(app)
        assert "11-20 voicemail" in _line_of(app, second.name)
    assert [(c[3], c[2]) for c in _calls(desk_db)] == [("no_answer", "anna"),
                                                       ("left_voicemail", "anna")]


async def test_call_back_needs_a_day_today_or_later(desk_db, now):
    app = _app(desk_db, staff="ben")
    async with app.run_test(size=(80, 24)) as pilot:
        patients = await _due_list(pilot)
        first = patients.highlighted
        await _log(pilot, "6")
        screen = app.screen
        back = screen.query_one("#call-back", Input)
        assert screen.focused is back  # 6 asks for the day at once
        await pilot.press("enter")
        await settle(pilot)
        note = screen.query_one("#call-back-note", Static)
        assert app.screen is screen and str(note.content) == "Say when to call back"
        await type_text(pilot, "someday")
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a day" in str(note.content)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-19")
        await pilot.press("enter")
        await settle(pilot)
        assert "2026-11-19 is in the past" in str(note.content)
        assert _calls(desk_db) == []
        await pilot.press("ctrl+u")
        await type_text(pilot, "+3")
        await pilot.pause()
        assert str(note.content) == "= Monday 23 November 2026"
        await pilot.press("tab")
        await type_text(pilot, "asked for Monday after 3 pm")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert "11-20 call 11-23" in _line_of(app, first.name)
    assert _calls(desk_db) == [(first.chart, "2026-11-20 10:15:00", "ben", "call_back",
                                "2026-11-23", "asked for Monday after 3 pm")]


async def test_the_dialog_lists_earlier_calls_and_esc_logs_nothing(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        patients = await _due_list(pilot)
        first = patients.highlighted
        clock.set_now(NOW - dt.timedelta(days=1))
        recall.log_call(first.id, "wrong_number", staff="carla", note="a fax machine")
        clock.set_now(NOW)
        await _log(pilot)
        text = screen_text(app)
        assert f"Recall call: {first.name}" in text
        assert "Thu 19 Nov 10:15  wrong number  (carla)  a fax machine" in text
        # enter before an outcome is chosen says what is missing
        await pilot.press("enter")
        await settle(pilot)
        assert "Choose how the call went: 1-6" in screen_text(app)
        # the day to call back shows only for call back
        back_row = app.screen.query_one("#call-back-row")
        assert not back_row.display
        await pilot.press(*["down"] * 6)
        await pilot.pause()
        assert app.screen.query_one(OutcomeList).highlighted == 5 and back_row.display
        await pilot.press("up")
        await pilot.pause()
        assert not back_row.display
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert len(_calls(desk_db)) == 1


async def test_enter_on_an_outcome_logs_it(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        patients = await _due_list(pilot)
        first = patients.highlighted
        await _log(pilot, *["down"] * 5)
        assert app.screen.query_one(OutcomeList).highlighted == 4
        await pilot.press("enter")  # declined
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert "11-20 declined" in _line_of(app, first.name)
    assert [c[3] for c in _calls(desk_db)] == ["declined"]


async def test_the_not_seen_list_shows_the_last_call_and_all_patients_do_not(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        patients = _patients(app)
        first = patients.highlighted
        assert patients.calls and "Last call" in screen_text(app)
        assert "Next booked" not in screen_text(app)  # gives way at 80 columns
        await _log(pilot, "1", "enter")  # booked
        assert "11-20 booked" in _line_of(app, first.name)
        await pilot.press("1")
        await settle(pilot)
        assert not patients.calls
        assert "Last call" not in screen_text(app) and "Next booked" in screen_text(app)
    async with _app(desk_db).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        header = screen_text(pilot.app)
        assert "Last call" in header and "Next booked" in header  # room for both


async def test_a_search_shows_no_call_column_and_h_does_not_hide_found_patients(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        patients = await _due_list(pilot)
        first = patients.highlighted
        await _log(pilot, "3", "enter")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, first.chart)
        await pilot.press("enter")
        await settle(pilot)
        assert patients.row_count == 1 and patients.highlighted.id == first.id
        assert not patients.calls
        assert _title(app) == "Search: all patients"


async def test_f1_lists_the_dialogs_keys(desk_db, now):
    app = _app(desk_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _due_list(pilot)
        await _log(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Keys: Log a recall call", "Log the call", "Cancel",
                      "Choose that outcome"):
            assert words in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "Log call" in text and "Hide called today" in text


async def test_a_patient_gone_meanwhile_is_said_in_the_dialog(desk_db, now, monkeypatch):
    from frontdesk.domain.errors import NotFound
    from frontdesk.tui.screens import recall_call

    def gone(*args, **kwargs):
        raise NotFound("that patient is no longer in the database")
    monkeypatch.setattr(recall_call, "log_call", gone)
    app = _app(desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _due_list(pilot)
        await _log(pilot, "3", *"rang", "enter")
        assert isinstance(app.screen, CallScreen)
        assert "no longer in the database" in screen_text(app)
        assert app.screen.query_one("#call-note", Input).value == "rang"


# --- reading the day to call back -------------------------------------------------------------

FRIDAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("text, day", [
    ("", None),
    ("today", FRIDAY),
    ("tomorrow", dt.date(2026, 11, 21)),
    ("+3", dt.date(2026, 11, 23)),
    ("3d", dt.date(2026, 11, 23)),
    ("+2w", dt.date(2026, 12, 4)),
    ("mon", dt.date(2026, 11, 23)),
    ("Monday", dt.date(2026, 11, 23)),
    ("fri", dt.date(2026, 11, 27)),  # the next Friday, not today
    ("11/24", dt.date(2026, 11, 24)),
    ("1/5", dt.date(2027, 1, 5)),  # January is next year's
    ("11/24/26", dt.date(2026, 11, 24)),
    ("Nov 24", dt.date(2026, 11, 24)),
    ("24 November 2026", dt.date(2026, 11, 24)),
    ("2026-11-24", dt.date(2026, 11, 24)),
])
def test_a_call_back_day_as_the_booker_says_it(text, day):
    assert read_call_back_day(text, FRIDAY, "US") == day


def test_a_call_back_day_is_day_first_outside_the_us():
    assert read_call_back_day("24/11", FRIDAY, "GB") == dt.date(2026, 11, 24)
    assert read_call_back_day("5/1", FRIDAY, "GB") == dt.date(2027, 1, 5)


@pytest.mark.parametrize("text", ["someday", "24", "t", "13/45", "2026-02-30", "+"])
def test_what_is_not_a_call_back_day(text):
    with pytest.raises(ValidationError, match="is not a day"):
        read_call_back_day(text, FRIDAY, "US")


@pytest.mark.parametrize("described, shown", [
    (None, "–"),
    ("11-20 no answer", "11-20 no answer"),
    ("11-20 left voicemail", "11-20 voicemail"),
    ("11-20 wrong number", "11-20 wrong no."),
    ("11-20 call back 11-24", "11-20 call 11-24"),
    ("11-20 booked", "11-20 booked"),
    ("11-20 declined", "11-20 declined"),
])
def test_the_list_column_shortens_the_outcome(described, shown):
    assert short_call(described) == shown
    assert len(short_call(described)) <= 16


def test_every_outcome_fits_the_column_whole():
    from frontdesk.domain.recall import CallOutcome, describe
    at = dt.datetime(2026, 12, 31, 9, 0)
    shown = {short_call(describe(outcome, at, dt.date(2027, 1, 2)
                                 if outcome == CallOutcome.CALL_BACK else None))
             for outcome in CallOutcome}
    assert shown == {"12-31 booked", "12-31 voicemail", "12-31 no answer", "12-31 wrong no.",
                     "12-31 declined", "12-31 call 01-02"}
