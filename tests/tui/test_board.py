"""The day's board from the keyboard: a morning played through, refusals, undo, scores,
cancellation, alerts following the clock, check-in and walk-in from the desk, and a second
desk on the same database file seeing the first one's changes."""

from __future__ import annotations

import datetime as dt
import sqlite3

from textual.widgets import Input, RadioButton, Static

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.services import flow
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens.board import BoardScreen
from frontdesk.tui.screens.check_in import CancelScreen, CheckInScreen
from frontdesk.tui.screens.confirm import ConfirmScreen
from frontdesk.tui.widgets.board_list import BoardList

from desk_support import BOARD_NOW, rows, screen_text, settle, type_text


def _app(db, staff="anna") -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff=staff))


def _status(db, chart: str, day: str = "2026-11-23") -> str:
    (status,), = rows(db, "SELECT a.status FROM appointment a JOIN patient p "
                           "ON p.id = a.patient_id WHERE p.chart_number = ? "
                           "AND date(a.start) = ?", chart, day)
    return status


def _phase(db, chart: str) -> str:
    return rows(db, "SELECT phase FROM patient WHERE chart_number = ?", chart)[0][0]


def _told(app) -> str:
    """Every notification shown so far, one per line (toasts wrap on the screen)."""
    return "\n".join(note.message for note in app._notifications)


def _board(app) -> BoardList:
    return app.screen.query_one("#board", BoardList)


def _line_of(app, name: str) -> str:
    return next(line for line in screen_text(app).splitlines() if name in line)


async def _to(pilot, name: str) -> None:
    """Put the board's cursor on the patient's appointment."""
    board = _board(pilot.app)
    index = next(i for i in range(board.row_count) if name in board.row(i).name)
    board.move_to(index)
    await settle(pilot)


async def _open_board(pilot) -> None:
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)


async def test_a_morning_through_the_board(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        text = screen_text(app)
        assert "Mon 23 Nov 09:05 · 5 appointments" in text
        assert "booked 5  arrived 0  in chair 0" in text
        assert "STAB 2/3" in _line_of(app, "Núñez, Ana")
        # the cursor starts on the first appointment still to see to
        assert _board(app).highlighted.name == "Okafor, Ben"

        # check in with scores: an out-of-range total is refused and nothing is lost
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3", "0", "tab", "8", "enter")
        await settle(pilot)
        assert "PHQ-9 is a total from 0 to 27, not 30" in screen_text(app)
        assert app.screen.query_one("#gad7", Input).value == "8"
        assert _status(board_db, "C-2") == "booked"
        assert app.screen.focused.id == "phq9"  # the field to mend has the cursor
        await pilot.press("backspace", "backspace", "1", "4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen), screen_text(app)
        assert _status(board_db, "C-2") == "arrived"
        assert rows(board_db, "SELECT phq9, gad7 FROM measurement") == [(14, 8)]
        assert "arrived" in _line_of(app, "Okafor, Ben")

        # space follows the usual way: chair, recovery, completed
        for expected in ("in_chair", "recovery", "completed"):
            await pilot.press("space")
            await settle(pilot)
            assert _status(board_db, "C-2") == expected
        assert "booked 4  arrived 0  in chair 0  recovery 0  completed 1" in screen_text(app)

        # a consult skips the chair: "in chair" is refused with a message
        await _to(pilot, "Smith, Cara")
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert _status(board_db, "C-3") == "arrived"
        assert "a consult that is arrived cannot become in_chair" in _told(app)
        await pilot.press("space")
        await settle(pilot)
        assert _status(board_db, "C-3") == "completed"

        # the last infusion of Ana's series of 3 moves her to maintenance...
        await _to(pilot, "Núñez, Ana")
        for _ in range(4):
            await pilot.press("space")
            await settle(pilot)
        assert _status(board_db, "C-1") == "completed"
        assert _phase(board_db, "C-1") == "maintenance"
        assert "MAINT" in _line_of(app, "Núñez, Ana")
        (reason,), = rows(board_db, "SELECT reason FROM phase_change p JOIN patient "
                                     "ON patient.id = p.patient_id WHERE chart_number = 'C-1'"
                                     " AND reason LIKE 'automatic%'")
        assert reason == "automatic: infusion 3 of 3 completed"
        # ...and undo takes it all back
        await pilot.press("u")
        await settle(pilot)
        assert _status(board_db, "C-1") == "recovery"
        assert _phase(board_db, "C-1") == "stabilization"
        assert "STAB 2/3" in _line_of(app, "Núñez, Ana")

        # Dan does not come: before his 10:30 start, a no-show needs a confirmation
        await _to(pilot, "Lee, Dan")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Needs a confirmation: a no-show before the start time (10:30)." in \
            screen_text(app)
        await pilot.press("escape")  # not yet
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and _status(board_db, "C-4") == "booked"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert _status(board_db, "C-4") == "no_show"
        assert rows(board_db, "SELECT reason FROM appointment_event WHERE to_status = "
                               "'no_show'") == [
            ("confirmed: a no-show before the start time (10:30)",)]
        # and a finished appointment goes no further
        await pilot.press("space")
        await settle(pilot)
        assert _status(board_db, "C-4") == "no_show"
        assert "nothing comes next" in _told(app)

        # Fay cancels, with a reason, less than 24 h ahead: a late cancellation
        await _to(pilot, "Young, Fay")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        assert "LATE CANCELLATION" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "Say why it is cancelled" in screen_text(app)
        await type_text(pilot, "illness")
        await pilot.press("enter")
        await settle(pilot)
        assert rows(board_db, "SELECT status, late_cancellation, cancel_reason FROM "
                               "appointment WHERE kind = 'assessment'") == [
            ("cancelled", 1, "illness")]
        assert "late canc." in _line_of(app, "Young, Fay")

        text = screen_text(app)
        assert ("booked 0  arrived 0  in chair 0  recovery 1  completed 2  no-show 1  "
                "cancelled 1") in text
        # every change recorded who made it and when
        staff = rows(board_db, "SELECT DISTINCT s.username FROM appointment_event e "
                                "JOIN staff s ON s.id = e.staff_id")
        assert staff == [("anna",)]
        assert rows(board_db, "SELECT count(*) FROM appointment_event "
                               "WHERE at != '2026-11-23 09:05:00'") == [(0,)]


async def test_alerts_follow_the_clock_without_a_key(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await pilot.press("space")  # Ben arrives at 09:05
        await settle(pilot)
        assert "waiting" not in _line_of(app, "Okafor, Ben")

        clock.set_now(BOARD_NOW + dt.timedelta(minutes=21))
        app.screen._tick()
        await settle(pilot)
        app.screen._ticks = 3  # the next tick asks for the counts again
        app.screen._tick()
        await settle(pilot)
        assert "21m" in _line_of(app, "Okafor, Ben")
        assert "! waiting 21 min" in _line_of(app, "Okafor, Ben")
        assert "! 1 waiting >15 min" in screen_text(app)

        # Ben's infusion was planned 08:00-09:30: still in recovery at 09:40 is overdue
        await pilot.press("space", "space")
        await settle(pilot)
        clock.set_now(BOARD_NOW + dt.timedelta(minutes=35))
        app.screen._ticks = 3
        app.screen._tick()
        await settle(pilot)
        assert "! 10 min over" in _line_of(app, "Okafor, Ben")
        assert "1 over in recovery" in screen_text(app)


async def test_scores_alone_and_days_other_than_today(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Type a PHQ-9 or a GAD-7 total" in screen_text(app)
        await pilot.press("tab", "2", "2", "enter")  # GAD-7 22 is out of range
        await settle(pilot)
        assert "GAD-7 is a total from 0 to 21, not 22" in screen_text(app)
        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert rows(board_db, "SELECT phq9, gad7 FROM measurement") == [(None, 2)]
        assert _status(board_db, "C-2") == "booked"  # scores alone check no one in

        await pilot.press("comma")  # Sunday: closed, nothing booked
        await settle(pilot)
        assert "Sun 22 Nov · 0 appointments" in screen_text(app)
        assert "No appointments on this day" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "5 appointments" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BoardScreen)


async def test_check_in_from_the_desk_in_two_keys_after_a_search(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "okafor")
        await pilot.press("enter")
        await pilot.press("i", "enter")  # the two keys
        await settle(pilot)
        assert _status(board_db, "C-2") == "arrived"
        # again: already here
        await pilot.press("i")
        await settle(pilot)
        assert "Okafor, Ben is already here: arrived since 09:05" in _told(app)
        # undo from the desk
        await pilot.press("u")
        await settle(pilot)
        assert _status(board_db, "C-2") == "booked"


async def test_a_walk_in_gets_the_first_free_chair(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_board(pilot)
        await pilot.press("w")  # walk-ins are found on the desk
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#search", Input)
        await type_text(pilot, "walker")
        await pilot.press("enter", "i")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Walk-in: Walker, Eve" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        # at 09:05, Chair 1 (Ana 09:00) and Chair 2 (Ben 08:00-09:30) are taken
        assert rows(board_db, "SELECT a.kind, a.start, c.name, a.status FROM appointment a "
                               "JOIN chair c ON c.id = a.chair_id JOIN patient p "
                               "ON p.id = a.patient_id WHERE p.chart_number = 'C-5' "
                               "AND date(a.start) = '2026-11-23'") == [
            ("infusion", "2026-11-23 09:05:00", "Chair 3", "arrived")]
        await pilot.press("f2")
        await settle(pilot)
        assert "arrived" in _line_of(app, "Walker, Eve")
        assert "6 appointments" in screen_text(app)


async def test_a_walk_in_is_refused_when_every_chair_is_taken(board_db):
    with sqlite3.connect(board_db) as conn:  # a clinic of two chairs, both taken at 09:05
        conn.execute("UPDATE chair SET active = 0 WHERE name IN ('Chair 3', 'Chair 4')")
    app = _app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "walker")
        await pilot.press("enter", "i")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)  # still open: nothing typed is lost
        assert "no chair is free from 09:05 to 10:35" in screen_text(app)
        await pilot.press("shift+tab", "down", "enter", "tab", "enter")  # a consult instead
        await settle(pilot)
        assert not isinstance(app.screen, CheckInScreen)
        assert rows(board_db, "SELECT kind, status FROM appointment a JOIN patient p "
                               "ON p.id = a.patient_id WHERE chart_number = 'C-5' "
                               "AND date(a.start) = '2026-11-23'") == [("consult", "arrived")]


async def test_a_change_someone_else_made_meanwhile_is_refused(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        stale = _board(app).highlighted
        app._watcher = None  # this desk does not look until after the key
        flow.set_status(stale.id, "arrived", staff="bob")  # another desk, a moment ago
        await pilot.press("n")  # this desk still shows "booked"
        await settle(pilot)
        assert _status(board_db, "C-2") == "arrived"  # not overwritten with no-show
        assert "someone else changed this appointment meanwhile (now arrived, by bob" \
            in _told(app)
        assert "arrived" in _line_of(app, "Okafor, Ben")  # and the board shows it now


async def test_a_second_desk_sees_the_first_ones_check_in_without_a_key(board_db):
    first, second = _app(board_db, "anna"), _app(board_db, "bob")
    async with first.run_test(size=(120, 30)) as one, \
            second.run_test(size=(120, 30)) as two:
        await _open_board(one)
        await _open_board(two)
        assert "booked" in _line_of(second, "Okafor, Ben")
        await one.press("space")
        await settle(one)
        assert _status(board_db, "C-2") == "arrived"
        for _ in range(40):  # up to 2 s; nothing is pressed on the second desk
            await two.pause(0.05)
            if "arrived" in _line_of(second, "Okafor, Ben"):
                break
        assert "arrived" in _line_of(second, "Okafor, Ben")
        assert "booked 4  arrived 1" in screen_text(second)


# --- issue 14 ---------------------------------------------------------------------------------

async def test_tomorrow_and_yesterday_on_the_board(board_db):
    """Arriving is for today's appointments; a change to a past day's needs a confirmation."""
    tomorrow = "2026-11-24T09:00"
    with sqlite3.connect(board_db) as conn:  # Dan's infusion moved to tomorrow
        conn.execute("UPDATE appointment SET start = ?, ends_at = '2026-11-24T10:30' "
                     "WHERE start LIKE '2026-11-23 10:30%'", (tomorrow.replace("T", " "),))
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await pilot.press("full_stop")  # tomorrow
        await settle(pilot)
        assert _board(app).highlighted.name == "Lee, Dan"
        for key in ("a", "space"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen)
        assert _status(board_db, "C-4", "2026-11-24") == "booked"
        assert ("Lee, Dan: arriving is for today's appointments: this infusion is on "
                "Tue 24 Nov") in _told(app)
        await pilot.press("x")  # cancelling ahead is fine
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        await pilot.press("escape")
        await settle(pilot)

        # a day later, today's booked infusion of Ana is a past day's
        clock.set_now(dt.datetime(2026, 11, 24, 9, 0))
        await pilot.press("comma")
        await settle(pilot)
        await _to(pilot, "Núñez, Ana")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "a change to a past day's appointment (Mon 23 Nov)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        await type_text(pilot, "tidy")
        await pilot.press("enter")
        await settle(pilot)
        assert _status(board_db, "C-1") == "cancelled"
        assert rows(board_db, "SELECT reason FROM appointment_event WHERE to_status = "
                               "'cancelled'") == [
            ("tidy; confirmed: a change to a past day's appointment (Mon 23 Nov)",)]


async def test_undo_of_a_check_in_takes_back_its_scores(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await pilot.press("a", "2", "0", "tab", "1", "5", "enter")
        await settle(pilot)
        assert rows(board_db, "SELECT phq9, gad7 FROM measurement") == [(20, 15)]
        await pilot.press("u")
        await settle(pilot)
        assert _status(board_db, "C-2") == "booked"
        assert rows(board_db, "SELECT phq9, gad7 FROM measurement") == []


async def test_no_walk_in_infusion_after_the_days_infusion(board_db):
    """Ben's 08:00 infusion is completed: at the desk, i offers a consult or an assessment,
    not a second infusion that day, and says why."""
    ben = next(line.id for line in flow.board_lines(flow.board_ids(BOARD_NOW.date()),
                                                     BOARD_NOW.date())
               if line.name == "Okafor, Ben")
    for status in ("arrived", "in_chair", "recovery", "completed"):
        flow.set_status(ben, status, staff="bob")
    clock.set_now(dt.datetime(2026, 11, 23, 11, 0))  # back at the desk after his infusion
    app = _app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "okafor")
        await pilot.press("enter", "i")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Walk-in: Okafor, Ben" in screen_text(app)
        why = str(app.screen.query_one("#no-infusion", Static).content)
        assert why.startswith("No infusion: the patient already has an infusion today "
                              "(08:00, completed)")
        kinds = [button.name for button in app.screen.query(RadioButton)]
        assert kinds == ["consult", "assessment"]
        await pilot.press("enter")
        await settle(pilot)
        assert rows(board_db, "SELECT kind, status FROM appointment a JOIN patient p ON "
                               "p.id = a.patient_id WHERE chart_number = 'C-2' ORDER BY "
                               "a.start") == [("infusion", "completed"), ("consult", "arrived")]


def _busy_day(tmp_path) -> None:
    """Tuesday 24 Nov: four chairs of infusions from 08:00 to 17:00 and seven consults; the
    morning done but for one patient waiting since 09:30 (an alert), the afternoon booked."""
    from frontdesk.services.importer import import_csv
    patients = ["patient_id,first_name,last_name,date_of_birth,phone,phase,phase_since"]
    appointments = ["patient_id,start,kind,status,chair"]
    visits = [(start, "infusion", f"Chair {chair}") for start in
              ("08:00", "09:30", "11:00", "12:30", "14:00", "15:30") for chair in range(1, 5)]
    visits += [(start, "consult", "") for start in
               ("08:00", "08:30", "09:00", "10:00", "13:00", "14:30", "16:00")]
    for n, (start, kind, chair) in enumerate(visits, start=1):
        status = "booked" if start >= "14:00" else "completed"
        if (start, chair) == ("09:30", "Chair 2"):
            status = "arrived"
        patients.append(f"B-{n},Pat,Busy{n:02d},1980-01-01,(650) 253-{n:04d},maintenance,"
                        f"2026-01-01")
        appointments.append(f"B-{n},2026-11-24T{start},{kind},{status},{chair}")
    (tmp_path / "bp.csv").write_text("\n".join(patients) + "\n", encoding="utf-8")
    (tmp_path / "ba.csv").write_text("\n".join(appointments) + "\n", encoding="utf-8")
    import_csv(str(tmp_path / "bp.csv"), str(tmp_path / "ba.csv"))


async def test_the_board_opens_on_the_next_patient_due_in_sight(db_path, tmp_path):
    clock.set_now(dt.datetime(2026, 11, 24, 14, 10))
    try:
        _busy_day(tmp_path)
        app = _app(db_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await _open_board(pilot)
            board = _board(app)
            # not the early alert row (Busy06, waiting since 09:30): the 14:00 infusions are
            # the next due, the first by chair
            assert board.highlighted.name == "Busy17, Pat"
            top = board.scroll_offset.y
            assert top <= board.cursor < top + board.size.height - 1  # in sight
            assert "Busy17, Pat" in screen_text(app)
            await pilot.press("space")  # the key acts on the row in sight
            await settle(pilot)
            assert board.highlighted.name == "Busy17, Pat"
            assert board.highlighted.status.value == "arrived"
    finally:
        clock.set_today(None)


class _QuietWatcher:
    """A change watcher that never sees a write (as when it already saw another desk's)."""
    interval = 0.5

    def changed(self) -> bool:
        return False

    def close(self) -> None:
        pass


async def test_a_refused_undo_shows_the_board_as_it_is_now(board_db):
    """A refused undo writes nothing, so the change watcher has nothing to see: the board
    reloads by itself and shows what another desk made of the appointment."""
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await _to(pilot, "Okafor, Ben")
        await pilot.press("space")  # arrived, here
        await settle(pilot)
        assert _status(board_db, "C-2") == "arrived"
        app._watcher = _QuietWatcher()
        ben = _board(app).highlighted.id
        flow.set_status(ben, "in_chair", staff="bob")  # another desk, meanwhile
        assert "arrived" in _line_of(app, "Okafor, Ben")  # not seen here yet
        await pilot.press("u")
        await settle(pilot)
        assert _status(board_db, "C-2") == "in_chair"  # not undone
        assert "the appointment was changed after that" in _told(app)
        assert "in chair" in _line_of(app, "Okafor, Ben")  # and the board shows it now


async def test_a_reason_or_a_score_too_long_is_refused_out_loud(board_db):
    """The cancel reason and the score fields say when input does not fit (issue 14, bug
    7): nothing is dropped silently."""
    from textual import events
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_board(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CancelScreen)
        field = app.screen.query_one("#cancel-reason", Input)
        field.post_message(events.Paste("x" * 400))
        await settle(pilot)
        assert field.value == ""
        assert "Not pasted: that would make 400 characters" in _told(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a", "2", "0", "7")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#phq9", Input).value == "20"
        assert "This field holds at most 2 characters" in _told(app)
