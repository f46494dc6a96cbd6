"""Registering a new caller from the desk (a): names as written, the date of birth and the
phone in their common writings, each bad field shown under it with everything typed kept,
and the patients the caller may already be, shown before anything is saved."""

from __future__ import annotations


import pytest
from textual.widgets import Input, Static

from frontdesk.config import DeskSettings
from frontdesk.domain.model import Phase
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens import desk as desk_module
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.screens.help import HelpScreen
from frontdesk.tui.screens.register import DuplicateList, RegisterScreen
from frontdesk.tui.widgets.detail import DetailPane

from desk_support import open_register_form, rows, screen_text, settle, type_text

FIELDS = ("first_name", "last_name", "date_of_birth", "phone", "email")


@pytest.fixture
def bookings(monkeypatch) -> list[tuple[int, Phase]]:
    """The desk opens the booking screen on the patient registered or chosen: recorded here
    (the booking screen has tests of its own)."""
    opened: list[tuple[int, Phase]] = []
    monkeypatch.setattr(desk_module.DeskScreen, "open_booking",
                        lambda self, patient_id, phase, due_on=None:
                        opened.append((patient_id, phase)))
    return opened


def _app(db) -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff="anna"))


def _count(db) -> int:
    return rows(db, "SELECT count(*) FROM patient")[0][0]


def _input(app, name: str) -> Input:
    return app.screen.query_one(f"#reg-{name}", Input)


def _note(app, name: str) -> Static:
    return app.screen.query_one(f"#reg-{name}-note", Static)


def _note_text(app, name: str) -> str:
    note = _note(app, name)
    return str(note.content) if note.display else ""


def _values(app) -> dict[str, str]:
    return {name: _input(app, name).value for name in FIELDS}


async def _fill(pilot, **values: str) -> None:
    """Each field typed in turn, tab between them (the fields not named left empty)."""
    _input(pilot.app, FIELDS[0]).focus()
    await pilot.pause()
    for name in FIELDS:
        field = _input(pilot.app, name)
        assert pilot.app.screen.focused is field
        field.value = ""
        await type_text(pilot, values.get(name, ""))  # ’ too, a key as a terminal sends it
        if name != FIELDS[-1]:
            await pilot.press("tab")
    await settle(pilot)


# --- a new caller ------------------------------------------------------------------------------

async def test_a_new_caller_is_registered_as_written_and_the_desk_opens_them(board_db,
                                                                             bookings):
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_register_form(pilot)
        await _fill(pilot, first_name="José", last_name="Núñez-O’Brien",
                    date_of_birth="4/15/91", phone="650 253-0199", email="jose@example.com")
        # after the fields were left: the phone the desk's way, the date of birth read back
        assert _input(app, "phone").value == "(650) 253-0199"
        assert "Monday 15 April 1991 · age 35" in _note_text(app, "date_of_birth")
        assert _input(app, "date_of_birth").value == "4/15/91"  # as typed
        await pilot.press("enter")  # on Email: check and save
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert _count(board_db) == before + 1
        (pid, chart, first, last, born, phone, email, phase, key), = rows(
            board_db, "SELECT id, chart_number, first_name, last_name, date_of_birth, phone, "
                      "email, phase, search_key FROM patient ORDER BY id DESC LIMIT 1")
        assert (first, last, born, phone, email, phase) == (
            "José", "Núñez-O’Brien", "1991-04-15", "+16502530199", "jose@example.com",
            "intake")
        assert key == "nunez obrien jose"
        assert chart == "C-000007"
        # the desk on the new patient, the booking screen asked for
        assert bookings == [(pid, Phase.INTAKE)]
        assert app.screen.query_one("#search", Input).value == chart
        detail = app.screen.query_one("#detail", DetailPane).patient
        assert detail is not None and detail.id == pid
        assert detail.phone == "(650) 253-0199"
        assert "Núñez-O’Brien, José" in screen_text(app)
        assert any("registered as C-000007" in n.message for n in app._notifications)


async def test_a_one_letter_name_and_no_email_are_kept(board_db, bookings):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_register_form(pilot)
        await _fill(pilot, first_name="X", last_name="Ng", date_of_birth="March 7 1950",
                    phone="+44 20 7946 0958")
        assert _input(app, "phone").value == "+44 20 7946 0958"  # abroad: international
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert rows(board_db, "SELECT first_name, last_name, date_of_birth, phone, email "
                           "FROM patient ORDER BY id DESC LIMIT 1") == [
        ("X", "Ng", "1950-03-07", "+442079460958", None)]


async def test_the_search_fills_the_form(board_db, bookings):
    app = _app(board_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "Grace Hopper")
        await pilot.press("enter")
        await settle(pilot)
        screen = await open_register_form(pilot)
        assert _values(app) == {"first_name": "Grace", "last_name": "Hopper",
                                "date_of_birth": "", "phone": "", "email": ""}
        assert screen.focused is _input(app, "date_of_birth")  # the first field to type


# --- each field, good and bad -------------------------------------------------------------------

# (field, text, problem shown under it or None, what the field reads as when good)
CASES = [
    ("first_name", "X", None, None),
    ("first_name", "Zoë-Marie", None, None),
    ("first_name", "", "First name is empty", None),
    ("first_name", "   ", "First name is empty", None),
    ("first_name", "A" * 101, "First name is longer than 100 characters", None),
    ("first_name", "Ann\x07", "First name contains control characters", None),
    ("last_name", "Núñez-O’Brien", None, None),
    ("last_name", "D'Andre", None, None),
    ("last_name", "", "Last name is empty", None),
    ("date_of_birth", "1984-03-07", None, "Wednesday 07 March 1984 · age 42"),
    ("date_of_birth", "3/7/84", None, "Wednesday 07 March 1984"),
    ("date_of_birth", "03/07/1984", None, "Wednesday 07 March 1984"),
    ("date_of_birth", "March 7 1984", None, "Wednesday 07 March 1984"),
    ("date_of_birth", "7 Mar 1984", None, "Wednesday 07 March 1984"),
    ("date_of_birth", "2026-11-23", None, "age 0"),  # born today
    ("date_of_birth", "1906-11-23", None, "age 120"),
    ("date_of_birth", "2026-11-24", "is in the future", None),
    ("date_of_birth", "1906-11-22", "is more than 120 years ago", None),
    ("date_of_birth", "1984-02-30", "is not a date", None),
    ("date_of_birth", "someday", "is not a date", None),
    ("date_of_birth", "", "Date of birth is empty", None),
    ("phone", "650 253-0199", None, "(650) 253-0199"),
    ("phone", "650.253.0199", None, "(650) 253-0199"),
    ("phone", "+1 (650) 253 0199", None, "(650) 253-0199"),
    ("phone", "555-12", "is not a valid number for region US", None),
    ("phone", "call me", "is not a phone number", None),
    ("phone", "", "Phone is empty", None),
    ("email", "", None, None),
    ("email", "jose.nunez@example.com", None, None),
    ("email", "jose@", "is not an e-mail address", None),
    ("email", "jose at example.com", "is not an e-mail address", None),
]


async def test_every_field_is_checked_and_its_problem_shown_under_it(board_db):
    """Each case is saved beside an empty name (so nothing is registered): the case's own
    field shows its problem, or none, and keeps what was typed."""
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_register_form(pilot)
        for name, text, problem, reading in CASES:
            keep_bad = "last_name" if name == "first_name" else "first_name"
            values = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1950-01-02",
                      "phone": "650 253-0188", "email": ""}
            values[keep_bad] = ""
            values[name] = text
            for field, value in values.items():
                _input(app, field).value = value
            await pilot.press("ctrl+s")
            await settle(pilot)
            case = f"{name}={text!r}"
            note = _note(app, name)
            if problem:
                assert problem in _note_text(app, name), case
                assert note.has_class("-error") and _input(app, name).has_class("-bad"), case
                assert _input(app, name).value == text, case  # kept as typed
            else:
                assert not note.has_class("-error"), (case, _note_text(app, name))
                assert not _input(app, name).has_class("-bad"), case
                if name == "phone":
                    assert _input(app, name).value == reading, case
                elif reading:
                    assert reading in _note_text(app, name), case
            assert "is empty" in _note_text(app, keep_bad), case
    assert _count(board_db) == before


async def test_all_bad_fields_at_once_keep_their_text_and_the_cursor_goes_to_the_first(
        board_db):
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await _fill(pilot, first_name="", last_name="O’Brien", date_of_birth="2027-01-05",
                    phone="555-12", email="siobhan@")
        typed = _values(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert _values(app) == typed
        assert _note_text(app, "first_name") == "First name is empty"
        assert _note_text(app, "last_name") == ""
        assert "2027-01-05 is in the future" in _note_text(app, "date_of_birth")
        assert "'555-12' is not a valid number" in _note_text(app, "phone")
        assert "'siobhan@' is not an e-mail address" in _note_text(app, "email")
        assert screen.focused is _input(app, "first_name")
        assert "4 fields to put right" in screen_text(app)
        # every message shows on the 80x24 screen
        text = screen_text(app)
        for line in ("First name is empty", "is in the future", "555-12", "siobhan@"):
            assert line in text
        # putting one right takes its message away as it is typed
        await pilot.press("J")
        assert _note_text(app, "first_name") == ""
        # a field left with a bad value says so at once
        _input(app, "phone").focus()
        await pilot.pause()
        await pilot.press("backspace", "backspace", "tab")
        await settle(pilot)
        assert "is not a valid number" in _note_text(app, "phone")
    assert _count(board_db) == before


# --- likely duplicates ---------------------------------------------------------------------------

async def test_same_phone_is_shown_and_choosing_them_opens_them_and_registers_nothing(
        board_db, bookings):
    (ben,), = rows(board_db, "SELECT id FROM patient WHERE chart_number = 'C-2'")
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await _fill(pilot, first_name="Maria", last_name="Lopez", date_of_birth="1990-01-01",
                    phone="650.253.0001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        duplicates = screen.query_one("#duplicates", DuplicateList)
        assert screen.focused is duplicates
        text = screen_text(app)
        assert "Already registered? 1 likely duplicate" in text
        assert "Same phone" in text
        assert "C-2" in text and "Okafor, Ben" in text and "1970-01-31" in text
        assert "(650) 253-0001" in text and "MAINT" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert _count(board_db) == before
        assert bookings == [(ben, Phase.MAINTENANCE)]
        assert app.screen.query_one("#search", Input).value == "C-2"
        assert app.screen.query_one("#detail", DetailPane).patient.id == ben


async def test_same_birth_date_and_a_similar_name_ignores_accents_and_apostrophes(
        desk_db, bookings):
    app = _app(desk_db)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_register_form(pilot)
        # Siobhán O'Brien (C-1002) was written with a straight apostrophe and an accent
        await _fill(pilot, first_name="Siobhan", last_name="O’Brien",
                    date_of_birth="1/31/1970", phone="(212) 555-0143")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Same date of birth, similar name" in text
        assert "Same phone" not in text
        assert "O'Brien, Siobhán" in text and "C-1002" in text
        duplicates = screen.query_one("#duplicates", DuplicateList)
        assert [p.chart for p in duplicates.numbered()] == ["C-1002"]
        # José Núñez (C-1001), typed without accents and with a new phone
        await pilot.press("tab")  # back to the form
        await _fill(pilot, first_name="Jose", last_name="Nunez", date_of_birth="1984-03-07",
                    phone="212 555 0143")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [p.chart for p in duplicates.numbered()] == ["C-1001"]
        assert "Núñez, José" in screen_text(app)
        # a different name on the same day is no duplicate: registered at once
        await _fill(pilot, first_name="Grace", last_name="Hopper", date_of_birth="1984-03-07",
                    phone="212 555 0143")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert rows(desk_db, "SELECT last_name FROM patient ORDER BY id DESC LIMIT 1") == [
        ("Hopper",)]


async def test_both_kinds_are_numbered_and_a_number_opens_that_patient(board_db, bookings):
    (ana,), = rows(board_db, "SELECT id FROM patient WHERE chart_number = 'C-1'")
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        # Ben Okafor's phone, Ana Núñez's birthday and name (no accents)
        await _fill(pilot, first_name="ana", last_name="NUNEZ", date_of_birth="1984-03-07",
                    phone="6502530001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        duplicates = screen.query_one("#duplicates", DuplicateList)
        assert [p.chart for p in duplicates.numbered()] == ["C-2", "C-1"]
        text = screen_text(app)
        assert "Already registered? 2 likely duplicates" in text
        assert text.index("Same phone") < text.index("Okafor") \
            < text.index("Same date of birth, similar name") < text.index("Núñez, Ana")
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert bookings == [(ana, Phase.STABILIZATION)]
    assert _count(board_db) == before


async def test_save_anyway_registers_the_caller_as_a_new_patient(board_db, bookings):
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await _fill(pilot, first_name="Ana", last_name="Núñez", date_of_birth="1984-03-07",
                    phone="650 253 0177")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "Núñez, Ana" in screen_text(app)
        assert "ctrl+s: register anyway" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert _count(board_db) == before + 1
    (pid, first, last, phone), = rows(board_db, "SELECT id, first_name, last_name, phone "
                                                 "FROM patient ORDER BY id DESC LIMIT 1")
    assert (first, last, phone) == ("Ana", "Núñez", "+16502530177")
    assert bookings == [(pid, Phase.INTAKE)]


async def test_a_form_changed_after_the_duplicates_is_checked_again_not_saved(board_db,
                                                                              bookings):
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await _fill(pilot, first_name="Maria", last_name="Lopez", date_of_birth="1990-01-01",
                    phone="650.253.0001")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Okafor, Ben" in screen_text(app)
        _input(app, "phone").focus()
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, "2025550143")  # the caller corrects the number
        await pilot.pause()
        assert "The form changed: ctrl+s checks it again" in screen_text(app)
        _input(app, "date_of_birth").value = "2030-01-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # checked again: the new date is bad
        assert "is in the future" in _note_text(app, "date_of_birth")
        assert not screen.query_one("#register-duplicates").display
        _input(app, "date_of_birth").value = "1990-01-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)  # no duplicate left: saved at once
    assert _count(board_db) == before + 1
    assert rows(board_db, "SELECT phone FROM patient ORDER BY id DESC LIMIT 1") == [
        ("+12025550143",)]


# --- leaving, keys ----------------------------------------------------------------------------

async def test_esc_warns_once_when_something_was_typed_then_cancels(board_db, bookings):
    app = _app(board_db)
    before = _count(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await type_text(pilot, "Maria")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and _input(app, "first_name").value == "Maria"
        assert any("esc again discards" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        # an untouched form goes at once
        await open_register_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert _count(board_db) == before and bookings == []


async def test_f1_lists_the_forms_keys(board_db):
    app = _app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register_form(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys: New patient" in text
        for words in ("Check and save", "Cancel", "Help"):
            assert words in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)


async def test_a_database_failure_keeps_the_form(board_db, monkeypatch):
    from frontdesk.tui.screens import register as register_module

    def broken(new, *, staff):
        raise RuntimeError("disk I/O error")
    monkeypatch.setattr(register_module, "register", broken)
    app = _app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register_form(pilot)
        await _fill(pilot, first_name="Maria", last_name="Lopez", date_of_birth="1990-01-01",
                    phone="202 555 0143")
        typed = _values(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and _values(app) == typed
        assert any("disk I/O error" in n.message for n in app._notifications)
        assert screen._busy is None  # ctrl+s works again
