"""The phone flow from the keyboard: find the caller, book the first free slot, a whole
stabilization series (and one refused because a slot went meanwhile), the maintenance booking
from the Due list in two keys, moving and cancelling with a reason, and the loser of a race
for a slot seeing the next free ones instead of a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from frontdesk.config import DeskSettings
from frontdesk.domain.errors import ValidationError
from frontdesk.services import booking
from frontdesk.tui.app import FrontdeskApp
from frontdesk.domain.spoken_dates import parse_when
from frontdesk.tui.screens.booking import BookingScreen, MoveScreen
from frontdesk.tui.screens.check_in import CancelScreen
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.screens.help import HelpScreen
from frontdesk.tui.screens.series import SeriesScreen

from desk_support import BOARD_NOW, rows, screen_text, settle, type_text

MONDAY = BOARD_NOW.date()  # 2026-11-23, 09:05


def _app(db, staff="anna") -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff=staff))


def _appointments(db, chart: str, status: str = "booked") -> list[tuple]:
    """(start, kind, chair) of the patient's appointments in that status, soonest first."""
    return rows(db, "SELECT a.start, a.kind, c.name FROM appointment a "
                     "JOIN patient p ON p.id = a.patient_id "
                     "LEFT JOIN chair c ON c.id = a.chair_id "
                     "WHERE p.chart_number = ? AND a.status = ? ORDER BY a.start", chart, status)


def _patient_id(db, chart: str) -> int:
    return rows(db, "SELECT id FROM patient WHERE chart_number = ?", chart)[0][0]


def _told(app) -> str:
    return "\n".join(note.message for note in app._notifications)


def _quiet_watcher(app) -> None:
    """Another desk's write reaches this one only when the test says so: the race between
    showing a slot and pressing enter stays open however slow the machine is."""
    app._watcher.changed = lambda: False


async def _find(pilot, text: str) -> None:
    """The desk's search: /, the text, enter to the results."""
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def _book_for(pilot, text: str) -> BookingScreen:
    await _find(pilot, text)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingScreen), screen_text(pilot.app)
    return screen


def _slot_lines(app) -> list[str]:
    screen = app.screen
    return [str(option.prompt) for option in screen.slot_list.options]


# --- reading the "from" field ---------------------------------------------------------------------

@pytest.mark.parametrize("text, day, time", [
    ("", "2026-11-23", None),
    ("today", "2026-11-23", None),
    ("tomorrow", "2026-11-24", None),
    ("+3", "2026-11-26", None),
    ("+2w", "2026-12-07", None),
    ("fri", "2026-11-27", None),
    ("Monday", "2026-11-30", None),   # the next one, not today
    ("2026-12-01", "2026-12-01", None),
    ("thu 14:00", "2026-11-26", "14:00"),
    ("tomorrow 2 pm", "2026-11-24", "14:00"),
    ("2026-12-01 9", "2026-12-01", "09:00"),
    ("15:30", "2026-11-23", "15:30"),
])
def test_the_from_field_reads_the_usual_ways_of_saying_a_day(text, day, time):
    got_day, got_time = parse_when(text, MONDAY, "US")
    assert got_day.isoformat() == day
    assert (got_time.strftime("%H:%M") if got_time else None) == time


@pytest.mark.parametrize("text", ["someday", "t", "2026-13-01", "25:00 fri", "9"])
def test_a_from_field_that_does_not_read_says_how_to_write_it(text):
    with pytest.raises(ValidationError, match="tomorrow"):
        parse_when(text, MONDAY, "US")


# --- the phone flow -------------------------------------------------------------------------------

async def test_find_the_caller_and_book_the_first_free_slot_in_one_key(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        # Cara Smith (intake): a consult is what she needs first
        screen = await _book_for(pilot, "smith")
        text = screen_text(app)
        assert "Smith, Cara" in text and "C-3" in text and "INTAKE" in text
        assert screen.kind.value == "consult"
        # her consult today runs to 09:30: the earliest free start is then, no chair
        assert _slot_lines(app)[0].startswith("Mon 23 Nov  09:30–10:30")
        assert "earliest" in _slot_lines(app)[0]
        # alternatives reach other times and other days
        days = {line[:10] for line in _slot_lines(app)}
        assert len(_slot_lines(app)) == 8 and len(days) >= 3
        assert "Mon 23 Nov  08:30–09:30  consult" in text  # booked ahead (today's)

        # 1: an infusion instead; chair 1 is busy at 09:30, chair 2 free from then
        await pilot.press("1")
        await settle(pilot)
        assert _slot_lines(app)[0].startswith("Mon 23 Nov  09:30–11:00  Chair 2")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)  # the screen stays: book more
        assert _appointments(board_db, "C-3") == [
            ("2026-11-23 08:30:00", "consult", None),
            ("2026-11-23 09:30:00", "infusion", "Chair 2")]
        assert "Smith, Cara: Mon 23 Nov 09:30–11:00, infusion, Chair 2" in _told(app)
        assert "Mon 23 Nov  09:30–11:00  infusion  Chair 2" in screen_text(app)
        # the slot is gone from the offer, and the patient's own time is kept free
        assert not any(line.startswith("Mon 23 Nov  09:30") for line in _slot_lines(app))
        booked_by = rows(board_db, "SELECT s.username FROM appointment a JOIN staff s "
                                    "ON s.id = a.booked_by_id WHERE a.start = ?",
                          "2026-11-23 09:30:00")
        assert booked_by == [("anna",)]
        # nobody was on a recall list: no call logged
        assert rows(board_db, "SELECT count(*) FROM recall_call") == [(0,)]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


@pytest.mark.parametrize("search", ["1962-12-24", "6502530003", "lee"])
async def test_the_caller_is_found_by_birth_date_phone_or_name(board_db, search):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _book_for(pilot, search)
        assert screen.patient_id == _patient_id(board_db, "C-4")
        assert "Lee, Dan  C-4  MAINT" in screen_text(app)


async def test_the_from_field_moves_the_offer_and_a_bad_date_keeps_what_was_typed(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _book_for(pilot, "walker")  # due on Thu 26 Nov: offered from then
        assert _slot_lines(app)[0].startswith("Thu 26 Nov  08:00–09:30  Chair 1")
        await pilot.press("f")
        await type_text(pilot, "fri 14:00")
        await pilot.press("enter")
        await settle(pilot)
        assert _slot_lines(app)[0].startswith("Fri 27 Nov  14:00–15:30  Chair 1")
        assert "from Fri 27 Nov 14:00" in screen_text(app)
        assert app.screen.focused is screen.slot_list
        await pilot.press("f")
        await type_text(pilot, "someday")
        await pilot.press("enter")
        await settle(pilot)
        assert "'someday' is not a date" in screen_text(app)
        assert screen.query_one("#booking-from", Input).value == "someday"
        assert _slot_lines(app)[0].startswith("Fri 27 Nov  14:00")  # the offer stays
        await pilot.press("escape", "full_stop")  # out of the field; a day later
        await settle(pilot)
        assert screen.from_day == dt.date(2026, 11, 28)
        assert _slot_lines(app)[0].startswith("Mon 30 Nov  08:00")  # closed at weekends


async def test_maintenance_from_the_due_list_in_two_keys_logs_the_recall_call(board_db):
    app = _app(board_db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # Due for maintenance: Young (overdue), Walker (due Thu 26)
        await settle(pilot)
        patients = app.screen.query_one("#patients")
        names = [patients.row(i).name for i in range(patients.row_count)]
        assert names == ["Young, Fay", "Walker, Eve"]
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("n", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert _appointments(board_db, "C-5") == [("2026-11-26 08:00:00", "infusion", "Chair 1")]
        assert rows(board_db, "SELECT r.outcome, s.username FROM recall_call r "
                               "JOIN staff s ON s.id = r.staff_id") == [("booked", "anna")]
        assert "recall call logged" in _told(app)
        # a second booking in the same call does not log the call twice
        await pilot.press("2", "enter")
        await settle(pilot)
        assert len(_appointments(board_db, "C-5")) == 2
        assert rows(board_db, "SELECT count(*) FROM recall_call") == [(1,)]


async def test_enter_typed_before_the_slots_show_books_the_first_one(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _find(pilot, "walker")
        await pilot.press("n", "enter")  # no settle between: the slots are still loading
        await settle(pilot)
        assert _appointments(board_db, "C-5") == [("2026-11-26 08:00:00", "infusion", "Chair 1")]


async def test_a_slot_taken_by_another_desk_offers_the_next_free_ones(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        _quiet_watcher(app)
        await _book_for(pilot, "young")  # overdue: offered from today
        await pilot.press("f")
        await type_text(pilot, "thu")
        await pilot.press("enter")
        await settle(pilot)
        assert _slot_lines(app)[0].startswith("Thu 26 Nov  08:00–09:30  Chair 1")
        # another desk fills every chair at 08:00 on Thursday
        for chart in ("C-1", "C-2", "C-3", "C-4"):
            booking.book(_patient_id(board_db, chart), "infusion", dt.datetime(2026, 11, 26, 8),
                         staff="bob")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "That slot was just taken: every chair is taken from 08:00 to 09:30" in text
        assert "Still free" in text
        assert "every chair" not in _told(app)  # said once, on the screen, not in a toast too
        assert _appointments(board_db, "C-6", "booked")[-1][0] == "2026-11-23 11:00:00"
        assert _slot_lines(app)[0].startswith("Thu 26 Nov  09:30–11:00  Chair 1")
        assert app.screen.query_one("#booking-from", Input).value == "2026-11-26"
        await pilot.press("enter")
        await settle(pilot)
        assert ("2026-11-26 09:30:00", "infusion", "Chair 1") in _appointments(board_db, "C-6")
        assert "That slot was just taken" not in screen_text(app)


async def test_another_desk_booking_refreshes_the_offer(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _book_for(pilot, "walker")
        assert _slot_lines(app)[0].startswith("Thu 26 Nov  08:00–09:30  Chair 1")
        for chart in ("C-1", "C-2", "C-3", "C-4"):
            booking.book(_patient_id(board_db, chart), "infusion", dt.datetime(2026, 11, 26, 8),
                         staff="bob")
        for _ in range(20):  # the desk looks for other desks' writes twice a second
            await pilot.pause(0.1)
            await settle(pilot, rounds=1)
            if _slot_lines(app)[0].startswith("Thu 26 Nov  09:30"):
                break
        assert _slot_lines(app)[0].startswith("Thu 26 Nov  09:30–11:00  Chair 1")


# --- a series -------------------------------------------------------------------------------------

SERIES_DAYS = ["2026-11-23", "2026-11-25", "2026-11-27", "2026-11-30", "2026-12-02",
               "2026-12-04"]


async def _open_series(pilot, text: str) -> SeriesScreen:
    await _book_for(pilot, text)
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SeriesScreen), screen_text(pilot.app)
    return screen


async def test_a_six_infusion_series_previewed_then_booked_in_one_step(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_series(pilot, "smith")  # intake: a new series of 6 (her target)
        text = screen_text(app)
        assert "Preview: 6 infusions, Mon/Wed/Fri, Mon 23 Nov to Fri 04 Dec" in text
        # today her consult runs to 09:30: the first one starts then, and says so
        assert "Mon 23 Nov  09:30–11:00  Chair 2  09:30: nothing free at 09:00" in text
        for day in ("Wed 25 Nov  09:00–10:30  Chair 1", "Fri 04 Dec  09:00–10:30  Chair 1"):
            assert day in text
        assert "Book all 6" in text
        assert _appointments(board_db, "C-3") == [("2026-11-23 08:30:00", "consult", None)]

        await pilot.press("enter")  # from the count field to Book all
        await settle(pilot)
        assert app.screen.focused.id == "series-book"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        infusions = [a for a in _appointments(board_db, "C-3") if a[1] == "infusion"]
        assert [start[:10] for start, _, _ in infusions] == SERIES_DAYS
        assert infusions[0] == ("2026-11-23 09:30:00", "infusion", "Chair 2")
        assert "6 infusions, Mon 23 Nov to Fri 04 Dec" in _told(app)
        assert "Booked ahead · 7" in screen_text(app)
        events = rows(board_db, "SELECT reason FROM appointment_event "
                                 "WHERE reason LIKE 'series %' ORDER BY id")
        assert [r for (r,) in events] == [f"series {n}/6" for n in range(1, 7)]


async def test_a_series_changes_with_its_fields(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_series(pilot, "walker")
        await pilot.press("3")  # the count field: 3 infusions
        await settle(pilot)
        await pilot.press("tab", "enter", "down", "enter")  # the pattern: Tue/Thu
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "2026-12-01")
        await pilot.press("tab")
        await type_text(pilot, "14:30")
        await settle(pilot)
        text = screen_text(app)
        assert "Preview: 3 infusions, Tue/Thu, Tue 01 Dec to Tue 08 Dec" in text
        assert "Thu 03 Dec  14:30–16:00  Chair 1" in text
        assert "Book all 3" in text
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, "25:00")
        await pilot.press("enter")
        await settle(pilot)
        assert "'25:00' is not a time" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScreen) and _appointments(board_db, "C-5") == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen) and screen is not app.screen


async def test_a_series_refused_because_a_slot_went_meanwhile_books_nothing(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        _quiet_watcher(app)
        await _open_series(pilot, "smith")
        assert "Wed 25 Nov  09:00–10:30  Chair 1" in screen_text(app)
        # another desk takes chair 1 on Wednesday at 09:00 after the preview was shown
        booking.book(_patient_id(board_db, "C-2"), "infusion", dt.datetime(2026, 11, 25, 9),
                     staff="bob", chair="Chair 1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScreen)
        text = screen_text(app)
        assert "That slot was just taken: infusion 2 (Wed 25 Nov 09:00)" in text
        assert "nothing was booked" in text
        assert "nothing was booked" not in _told(app)
        assert [a for a in _appointments(board_db, "C-3") if a[1] == "infusion"] == []
        # the preview was worked out again: Wednesday now in the next free chair
        assert "Wed 25 Nov  09:00–10:30  Chair 2" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        infusions = [a for a in _appointments(board_db, "C-3") if a[1] == "infusion"]
        assert ("2026-11-25 09:00:00", "infusion", "Chair 2") in infusions
        assert len(infusions) == 6


# --- moving and cancelling ------------------------------------------------------------------------

async def test_move_keeps_the_history_and_flags_a_late_cancellation(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _book_for(pilot, "lee")  # Dan Lee: an infusion today at 10:30
        assert "Mon 23 Nov  10:30–12:00  infusion  Chair 1" in screen_text(app)
        await pilot.press("tab", "r")
        await settle(pilot)
        assert "Move Mon 23 Nov 10:30 infusion to" in screen_text(app)
        assert app.screen.focused is screen.slot_list
        await pilot.press("down", "down", "down", "enter")  # Tuesday morning
        await settle(pilot)
        assert isinstance(app.screen, MoveScreen)
        dialog = screen_text(app)
        assert "from  Mon 23 Nov  10:30–12:00  infusion  Chair 1" in dialog
        assert "to    Tue 24 Nov  08:00–09:30  Chair 1" in dialog
        assert "LATE CANCELLATION" in dialog
        assert app.screen.query_one("#move-reason", Input).value == "patient asked"
        await pilot.press("enter")  # the prefilled reason is enough
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert screen.moving is None
        assert "the old one is cancelled (a late cancellation)" in _told(app)
        old, new = rows(board_db, "SELECT a.id, a.status, a.late_cancellation, a.start, "
                                   "a.rescheduled_from_id FROM appointment a JOIN patient p "
                                   "ON p.id = a.patient_id WHERE p.chart_number = 'C-4' "
                                   "ORDER BY a.id")
        assert old[1:4] == ("cancelled", 1, "2026-11-23 10:30:00")
        assert new[1:] == ("booked", 0, "2026-11-24 08:00:00", old[0])
        reasons = rows(board_db, "SELECT reason FROM appointment_event WHERE appointment_id "
                                  "IN (?, ?) ORDER BY id", old[0], new[0])
        assert ("rescheduled: patient asked",) in reasons
        assert ("rescheduled from 2026-11-23 10:30",) in reasons
        assert "Tue 24 Nov  08:00–09:30  infusion  Chair 1" in screen_text(app)


async def test_a_move_not_late_with_a_typed_reason_and_esc_leaves_a_move(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        pid = _patient_id(board_db, "C-5")
        booking.book(pid, "infusion", dt.datetime(2026, 11, 26, 10), staff="bob")
        screen = await _book_for(pilot, "walker")
        await pilot.press("r")  # the only appointment ahead is the highlighted one
        await settle(pilot)
        assert screen.moving is not None
        await pilot.press("escape")
        await settle(pilot)
        assert screen.moving is None and isinstance(app.screen, BookingScreen)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "LATE" not in screen_text(app)
        await type_text(pilot, "transport")
        await pilot.press("enter")
        await settle(pilot)
        statuses = rows(board_db, "SELECT status, late_cancellation FROM appointment "
                                  "WHERE patient_id = ? AND start >= '2026-11-23' ORDER BY id",
                        pid)
        assert statuses == [("cancelled", 0), ("booked", 0)]
        assert rows(board_db, "SELECT count(*) FROM appointment_event "
                               "WHERE reason = 'rescheduled: transport'") == [(1,)]


async def test_a_move_to_a_slot_just_taken_changes_nothing_and_keeps_the_reason(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        _quiet_watcher(app)
        pid = _patient_id(board_db, "C-5")
        booking.book(pid, "infusion", dt.datetime(2026, 11, 26, 10), staff="bob")
        await _book_for(pilot, "walker")
        await pilot.press("r", "f")
        await type_text(pilot, "fri")
        await pilot.press("enter")
        await settle(pilot)
        assert _slot_lines(app)[0].startswith("Fri 27 Nov  08:00–09:30  Chair 1")
        for chart in ("C-1", "C-2", "C-3", "C-4"):
            booking.book(_patient_id(board_db, chart), "infusion", dt.datetime(2026, 11, 27, 8),
                         staff="bob")
        await pilot.press("enter", *["backspace"] * 13)
        await type_text(pilot, "transport")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert "That slot was just taken" in screen_text(app)
        assert rows(board_db, "SELECT status FROM appointment WHERE patient_id = ? "
                               "AND start >= '2026-11-23'", pid) == [("booked",)]
        assert _slot_lines(app)[0].startswith("Fri 27 Nov  09:30–11:00  Chair 1")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#move-reason", Input).value == "transport"
        await pilot.press("enter")
        await settle(pilot)
        assert rows(board_db, "SELECT status, start FROM appointment WHERE patient_id = ? "
                               "AND start >= '2026-11-23' ORDER BY id", pid) == [
            ("cancelled", "2026-11-26 10:00:00"), ("booked", "2026-11-27 09:30:00")]


async def test_cancel_a_late_one_with_a_reason(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _book_for(pilot, "lee")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        assert "LATE CANCELLATION" in screen_text(app)
        await pilot.press("enter")  # no reason: refused, nothing done
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        await type_text(pilot, "illness")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert rows(board_db, "SELECT a.status, a.late_cancellation, a.cancel_reason "
                               "FROM appointment a JOIN patient p ON p.id = a.patient_id "
                               "WHERE p.chart_number = 'C-4'") == [("cancelled", 1, "illness")]
        assert "(LATE CANCELLATION)" in _told(app)
        assert "Nothing booked ahead" in screen_text(app)


async def test_help_lists_the_booking_keys(board_db):
    app = _app(board_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await _book_for(pilot, "walker")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Keys: Booking", "Book", "Infusion", "From", "Series", "Move", "Cancel"):
            assert words in text


async def test_a_series_never_defaults_past_the_target(board_db):
    """An intake patient with 5 infusions booked: the series offers the 1 left, and 6 more
    are refused with the reason (issue 14, bug 2: it defaulted to 6 and booked 11)."""
    pid = _patient_id(board_db, "C-3")
    for day in (24, 25, 26, 27, 30):
        booking.book(pid, "infusion", dt.datetime(2026, 11, day, 13), staff="bob")
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_series(pilot, "smith")
        assert screen.query_one("#series-count", Input).value == "1"
        assert "5 booked, 1 left of 6" in screen_text(app)
        await pilot.press("backspace", "6")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScreen)
        assert "target is 6 infusions and 5 booked: at most 1 more" in screen_text(app)
        assert len([a for a in _appointments(board_db, "C-3") if a[1] == "infusion"]) == 5


async def test_a_series_at_its_target_says_so(board_db):
    pid = _patient_id(board_db, "C-3")
    for day in (24, 25, 26, 27, 30, 1):
        booking.book(pid, "infusion", dt.datetime(2026, 12 if day == 1 else 11, day, 13),
                     staff="bob")
    app = _app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_series(pilot, "smith")
        assert screen.query_one("#series-count", Input).value == "0"
        text = screen_text(app)
        assert "6 booked, target 6 reached" in text
        assert "The series target of 6 is reached: nothing is left to book" in text


async def test_the_offer_skips_the_day_of_the_patients_infusion_and_says_why(board_db):
    """Issue 14, bug 1: booked Fri 08:00, From 'fri 16:30' offered a second infusion that
    Friday. Now the offer starts on the next open day and the list says why."""
    booking.book(_patient_id(board_db, "C-5"), "infusion", dt.datetime(2026, 11, 27, 8),
                 staff="bob")
    app = _app(board_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await _book_for(pilot, "walker")
        await pilot.press("f")
        await type_text(pilot, "fri 16:30")
        await pilot.press("enter")
        await settle(pilot)
        assert _slot_lines(app)[0].startswith("Mon 30 Nov  08:00")
        assert "none on Fri 27 Nov: one infusion a day" in screen_text(app)
        await pilot.press("enter")  # books the Monday, never a second Friday
        await settle(pilot)
        assert [a[0][:10] for a in _appointments(board_db, "C-5")] == ["2026-11-27",
                                                                       "2026-11-30"]
