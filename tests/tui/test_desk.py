"""The desk from the keyboard: filters and their counts, calendar moves, search by every
kind of key, the detail following the cursor, notes, help, the palette, failures."""

from __future__ import annotations

import datetime as dt
import json

from textual import events
from textual.widgets import Input

from frontdesk import clock
from frontdesk.domain.errors import Conflict
from frontdesk.services import patients as patient_service
from frontdesk.services.lists import desk_lists
from frontdesk.services.patients import Filter
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens import desk as desk_module
from frontdesk.tui.screens.help import HelpScreen
from frontdesk.tui.screens.notes import NotesScreen
from frontdesk.tui.widgets.detail import DetailPane
from frontdesk.tui.widgets.filter_bar import FilterBar
from frontdesk.tui.widgets.month_grid import MonthGrid

from desk_support import DESK_DAY, screen_text, settle, type_text

FILTER_KEYS = {"1": Filter.ALL, "2": Filter.MID_STABILIZATION,
               "3": Filter.DUE_FOR_MAINTENANCE, "4": Filter.NOT_SEEN, "5": Filter.DAY}


def _parts(app):
    screen = app.screen
    return (screen, screen.query_one("#patients"), screen.query_one("#filters", FilterBar),
            screen.query_one("#detail", DetailPane))


def _detail_text(app) -> str:
    """The detail pane's lines as the terminal shows them."""
    pane = app.screen.query_one("#detail", DetailPane)
    region = pane.content_region
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return "\n".join(line[region.x:region.right] for line in lines)


def _shown_rows(patients) -> list:
    return [patients.row(i) for i in range(patients.row_count)]


async def _open(desk_db, size=(160, 50)):
    app = FrontdeskApp(clinic_name="Test Clinic")
    return app, app.run_test(size=size)


async def test_each_filter_shows_its_list_with_the_count_of_frontdesk_lists(desk_db, frontdesk):
    result = frontdesk("--db", str(desk_db), "--today", DESK_DAY.isoformat(), "lists",
                       "--format", "json")
    assert result.code == 0, result.err
    cli = json.loads(result.out)
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        screen, patients, bar, _ = _parts(app)
        assert bar.counts[Filter.MID_STABILIZATION] == len(cli["mid_stabilization"]) > 0
        assert bar.counts[Filter.DUE_FOR_MAINTENANCE] == len(cli["due_for_maintenance"]) > 0
        assert bar.counts[Filter.NOT_SEEN] == len(cli["not_seen_over_a_month"]) > 0
        assert bar.counts[Filter.ALL] == 206
        for key, chosen in FILTER_KEYS.items():
            await pilot.press(key)
            await settle(pilot)
            assert screen.filter == chosen
            assert patients.row_count == bar.counts[chosen], chosen
            bar_text = str(bar.render())
            assert f"{key} " in bar_text and f" {bar.counts[chosen]:,}" in bar_text
        # the lists' members, in the lists' order, with their badges
        await pilot.press("2")
        await settle(pilot)
        stab = {e["patient_id"]: e for e in cli["mid_stabilization"]}
        for row in _shown_rows(patients):
            entry = stab[row.chart]
            assert row.badge == f"STAB {entry['infusions_completed']}/{entry['target']}"
            assert row.stalled == entry["stalled"]
        await pilot.press("3")
        await settle(pilot)
        assert [r.chart for r in _shown_rows(patients)] == \
            [e["patient_id"] for e in cli["due_for_maintenance"]]
        assert [r.badge for r in _shown_rows(patients)] == \
            ["OVERDUE" if e["overdue"] else "DUE" for e in cli["due_for_maintenance"]]
        await pilot.press("4")
        await settle(pilot)
        assert [r.chart for r in _shown_rows(patients)] == \
            [e["patient_id"] for e in cli["not_seen_over_a_month"]]


async def test_the_calendar_moves_by_day_week_and_month_and_the_desk_follows(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        screen, patients, bar, _ = _parts(app)
        month = screen.query_one("#month", MonthGrid)
        assert month.counts[DESK_DAY] == len(screen.query_one("#agenda")._rows) > 0
        await pilot.press("c")
        assert month.has_focus
        await pilot.press("right")
        await settle(pilot)
        saturday = DESK_DAY + dt.timedelta(days=1)
        assert screen.as_of == month.chosen == saturday
        assert screen.query_one("#agenda").row_count == 0  # the clinic is closed
        assert "Sat 21 Nov 2026 · 0 appointments" in screen_text(app)
        # the lists follow the chosen day: counts as of Saturday
        assert bar.counts[Filter.DUE_FOR_MAINTENANCE] == \
            len(desk_lists(saturday).due_for_maintenance)
        await pilot.press("down", "pagedown")
        await settle(pilot)
        assert screen.as_of == dt.date(2026, 12, 28)
        assert "December 2026" in screen_text(app)
        await pilot.press("pageup", "pageup", "left")
        await settle(pilot)
        assert screen.as_of == dt.date(2026, 10, 27)
        await pilot.press("t")
        await settle(pilot)
        assert screen.as_of == DESK_DAY
        await pilot.press("full_stop", "full_stop", "comma")
        await settle(pilot)
        assert screen.as_of == DESK_DAY + dt.timedelta(days=1)


async def _search(pilot, text: str):
    app = pilot.app
    search = app.screen.query_one("#search", Input)
    await pilot.press("slash")
    assert search.has_focus
    search.value = ""
    await type_text(pilot, text)
    await settle(pilot)
    return [r for r in _shown_rows(app.screen.query_one("#patients"))]


async def test_search_finds_by_name_chart_birth_date_and_phone(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        for text in ["nunez", "NÚÑEZ", "jose nun", "nunez jo", "unez"]:
            rows = await _search(pilot, text)
            assert "C-1001" in [r.chart for r in rows], text
            assert all("Núñez" in r.name for r in rows), text
        for text in ["C-1001", "1984-03-07", "03/07/1984", "3/7/84", "(650) 253-0000",
                     "650.253.0000", "+16502530000"]:
            rows = await _search(pilot, text)
            assert [r.chart for r in rows] == ["C-1001"], text
        for text in ["obrien", "o’brien", "O'Brien"]:
            rows = await _search(pilot, text)
            assert "C-1002" in [r.chart for r in rows], text
            assert all("O'Brien" in r.name or "O’Brien" in r.name for r in rows), text
        assert "C-1004" in [r.chart for r in await _search(pilot, "muller")]
        for text in ["c-100", "C-1001", "1001"]:  # a chart's start, or its number
            assert "C-1001" in [r.chart for r in await _search(pilot, text)], text
        assert all(r.name.split(", ")[0].startswith("N")  # one letter: a name part's start
                   or " N" in r.name or "-N" in r.name for r in await _search(pilot, "n"))
        assert await _search(pilot, "zzzzqx") == []
        assert "No patient matches" in screen_text(app)
        _, patients, bar, _ = _parts(app)
        assert bar.search_count == 0
        # esc leaves the search and brings the whole list back
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == ""
        assert patients.row_count == 206 and patients.has_focus


async def test_keys_typed_right_after_enter_in_the_search_reach_the_list(desk_db):
    """A terminal delivers a fast typist's (or a paste's) keys in one burst: the key after
    enter must not land in the search box."""
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await _search(pilot, "C-1002")
        app.screen.query_one("#search", Input).value = "C-100"
        for key, character in (*((c, c) for c in "2"), ("enter", "\r"), ("e", "e")):
            app.post_message(events.Key(key, character))  # back to back, before any answer
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.detail.chart == "C-1002"  # the result's, not the row shown before
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "C-1002"
        await pilot.press("slash")  # the search box, its text selected: typing replaces it
        await settle(pilot)
        for key, character in (("4", "4"), ("down", None), ("e", "e")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.detail.chart == "C-000004"  # "4": the chart numbered 4


async def test_the_detail_pane_follows_the_cursor(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        _, patients, _, _ = _parts(app)
        first, second = patients.row(0), patients.row(1)
        assert first.name in _detail_text(app)
        await pilot.press("down")
        await settle(pilot)
        text = _detail_text(app)
        assert second.name in text and second.chart in text and first.name not in text
        await pilot.press("end")
        await settle(pilot)
        last = patients.row(patients.row_count - 1)
        assert last is not None and last.name in _detail_text(app)
        assert app.screen.query_one("#detail", DetailPane).patient.id == last.id
        # a patient with history: contact, phase, progress and appointments
        await _search(pilot, "C-1001")
        await pilot.press("enter")
        await settle(pilot)
        text = _detail_text(app)
        for expected in ["Núñez, José", "1984-03-07", "(650) 253-0000", "jose@example.com",
                         "stabilization", "STAB 0/6"]:
            assert expected in text


async def test_notes_are_edited_saved_and_never_lost_on_a_conflict(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await _search(pilot, "C-1002")
        await pilot.press("enter", "e")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        await type_text(pilot, "Prefers mornings")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NotesScreen)
        assert "Prefers mornings" in _detail_text(app)
        # another desk changes the patient while this desk edits
        await pilot.press("e")
        await settle(pilot)
        notes_screen = app.screen
        detail = notes_screen.detail
        patient_service.save_notes(detail.id, "Changed elsewhere",
                                   expected_version=detail.version, staff="other.desk")
        await type_text(pilot, " and Fridays")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is notes_screen  # still open, the text still there
        assert notes_screen.text.endswith("Prefers mornings and Fridays")
        assert any("someone else changed" in n.message for n in app._notifications)


async def test_f1_lists_every_key_of_the_screen(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {description for _, keys in app.screen.sections for _, description in keys}
        search_box_only = {"to_results"}  # the list's own enter and down, elsewhere
        for binding in desk_module.DeskScreen.BINDINGS:
            if binding.action not in search_box_only:
                assert binding.description in listed, binding.description
        assert {"Up", "Down", "Page up", "Quit"} <= listed
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("slash", "f1")  # from the search box: its keys
        await pilot.pause()
        listed = {description for _, keys in app.screen.sections for _, description in keys}
        assert "Go to the results" in listed and "Find" not in listed  # "/" is typed there


async def test_the_palette_finds_a_patient_and_shows_it(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "nunez")
        for _ in range(40):
            await pilot.pause(0.05)
            if "Núñez" in screen_text(app):
                break
        await pilot.press("enter")
        await settle(pilot)
        _, patients, _, _ = _parts(app)
        assert patients.highlighted.chart == "C-1001"
        assert "Núñez, José" in _detail_text(app)


async def test_the_palette_runs_the_desks_actions(desk_db):
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "due for maint")
        await settle(pilot)  # the palette's search is a worker
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.filter == Filter.DUE_FOR_MAINTENANCE


async def test_at_80_columns_the_desk_shows_the_calendar_or_the_patients(desk_db):
    app, running = await _open(desk_db, size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        assert app.screen.query_one("#right").display
        assert not app.screen.query_one("#calendar-pane").display
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.query_one("#calendar-pane").display
        assert not app.screen.query_one("#right").display
        await pilot.press("3")  # a filter brings the patients back
        await pilot.pause()
        assert app.screen.query_one("#right").display
        text = screen_text(app)
        assert "Due for maintenance" in text and "3 Due" in text


async def test_a_failing_query_shows_a_message_and_the_desk_stays_up(desk_db, monkeypatch):
    def broken(_day):
        raise RuntimeError("disk I/O error")
    monkeypatch.setattr(desk_module, "filter_counts", broken)
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("disk I/O error" in n.message for n in app._notifications)
        _, patients, _, _ = _parts(app)
        assert patients.row_count == 206  # the rest of the desk still loaded
        await pilot.press("down", "2")
        await settle(pilot)
        assert app.is_running


async def test_a_refused_save_is_a_message_not_a_crash(desk_db, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise Conflict("someone else changed this patient meanwhile")
    monkeypatch.setattr("frontdesk.tui.screens.notes.save_notes", refuse)
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("x", "ctrl+s")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, NotesScreen)
        assert clock.today() == DESK_DAY


async def test_when_the_list_fails_the_calendar_still_loads(desk_db, monkeypatch):
    def broken(self):
        raise RuntimeError("database is locked")
    monkeypatch.setattr(patient_service.ListPager, "size", broken)
    app, running = await _open(desk_db)
    async with running as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("database is locked" in n.message for n in app._notifications)
        assert app.screen.query_one("#agenda").row_count > 0
        assert app.screen.query_one("#filters", FilterBar).counts[Filter.ALL] == 206
