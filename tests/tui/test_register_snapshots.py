"""The look of registering a caller and of recall calls, at 80x24 and 160x50, dark and light,
on a fixed clock: the form with a bad field of each kind, the form with likely duplicates,
the call dialog with earlier calls and a day to call back, and the Due list with the last
call column.

Update after an intended change with `pytest tests/tui/test_register_snapshots.py
--snapshot-update` and look at the report before committing."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.services import recall
from frontdesk.services.patients import Filter, ListPager, ListQuery
from frontdesk.tui.app import FrontdeskApp

from desk_support import DESK_DAY, settle, type_text

SIZES = [(80, 24), (160, 50)]
THEMES = ["textual-dark", "textual-light"]
size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
themes = pytest.mark.parametrize("theme", THEMES)
NOW = dt.datetime.combine(DESK_DAY, dt.time(10, 15))


def _app(db, theme: str) -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(theme=theme, staff="snap"))


async def _form(pilot, **values: str) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    for name, value in values.items():
        screen.query_one(f"#reg-{name}").value = value
    await pilot.press("ctrl+s")
    await settle(pilot)
    pilot.app.clear_notifications()
    for field in screen.query("Input"):  # the cursor shown, not in whatever blink it was
        field.cursor_blink = False
    await pilot.pause()


@themes
@size_ids
def test_the_form_with_a_bad_field_of_each_kind(board_db, snap_compare, size, theme):
    async def bad_fields(pilot):
        await _form(pilot, first_name="", last_name="Núñez-O’Brien", date_of_birth="2027-01-05",
                    phone="555-12", email="jose@")

    assert snap_compare(_app(board_db, theme), terminal_size=size, run_before=bad_fields)


@themes
@size_ids
def test_the_form_with_likely_duplicates(board_db, snap_compare, size, theme):
    async def duplicates(pilot):
        # Ben Okafor's phone, Ana Núñez's birthday and her name without accents
        await _form(pilot, first_name="Ana", last_name="Nunez", date_of_birth="3/7/84",
                    phone="650.253.0001")

    assert snap_compare(_app(board_db, theme), terminal_size=size, run_before=duplicates)


def _due_with_calls(desk_db) -> list[int]:
    """Three patients of the Due list called: the first twice."""
    due = [row.id for row in ListPager(ListQuery(DESK_DAY, Filter.DUE_FOR_MAINTENANCE))
           .page(0, 3)]
    clock.set_now(NOW - dt.timedelta(days=2))
    recall.log_call(due[0], "no_answer", staff="carla")
    clock.set_now(NOW - dt.timedelta(hours=2))
    recall.log_call(due[0], "left_voicemail", staff="snap", note="second try, left a message")
    recall.log_call(due[1], "call_back", staff="snap", call_back_on=DESK_DAY
                    + dt.timedelta(days=3))
    recall.log_call(due[2], "wrong_number", staff="carla")
    clock.set_now(NOW)
    return due


@themes
@size_ids
def test_the_call_dialog(desk_db, snap_compare, size, theme):
    _due_with_calls(desk_db)

    async def call_back(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("6")
        await type_text(pilot, "tue")
        await pilot.press("tab")
        await type_text(pilot, "asked for the afternoon")
        await settle(pilot)

    assert snap_compare(_app(desk_db, theme), terminal_size=size, run_before=call_back)


@themes
@size_ids
def test_the_due_list_with_the_last_call(desk_db, snap_compare, size, theme):
    _due_with_calls(desk_db)

    async def due_list(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("down")  # on the patient asked to be called back
        await settle(pilot)

    assert snap_compare(_app(desk_db, theme), terminal_size=size, run_before=due_list)


def test_the_due_list_with_called_today_hidden(desk_db, snap_compare):
    _due_with_calls(desk_db)

    async def hidden(pilot):
        await settle(pilot)
        await pilot.press("3", "h")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(desk_db, "textual-dark"), terminal_size=(80, 24),
                        run_before=hidden)
