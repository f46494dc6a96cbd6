"""Issue 15, keystrokes at the desk: what a search key costs the desk, and what waits.

- While a search is typed, a key reads and draws its list (the rows in sight); the rest of
  the list's first page and the first match's detail wait for the keys to pause, or for the
  search box to be left.
- The search box's text scrolls within it, a key laying nothing else out.
- The footer is built once while the desk starts, and again only when its keys change.
- A list draws a row's line once while its look stays the same.
- Full garbage collections wait for a quiet moment.
"""

from __future__ import annotations

import gc

from textual.widgets import Footer as TextualFooter

from frontdesk.tui import app as app_module
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens import desk as desk_module
from frontdesk.tui.widgets.detail import DetailPane
from frontdesk.tui.widgets.footer import Footer
from frontdesk.tui.widgets.patient_list import PatientList
from frontdesk.tui.widgets.search_box import SearchBox

from desk_support import screen_text, settle



async def _lists_answered(pilot) -> None:
    """Until the search's list is shown (its worker done), not the pause after it."""
    screen = pilot.app.screen
    for _ in range(200):
        await pilot.pause()
        if not screen._list_pending and not any(
                w.group == "list" and not w.is_finished for w in pilot.app.workers):
            await pilot.pause()
            return
    raise AssertionError("the search's list did not come")


async def test_a_search_typed_in_a_burst_reads_its_lists_and_then_the_rest_once(
        desk_db, started, monkeypatch):
    monkeypatch.setattr(desk_module, "KEYS_PAUSE", 60.0)  # the keys have not paused yet
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        patients = app.screen.query_one("#patients", PatientList)
        detail = app.screen.query_one("#detail", DetailPane)
        shown_before = detail.patient
        started.clear()
        await pilot.press("slash", *"m")
        await _lists_answered(pilot)
        assert patients.row_count > patients.size.height  # more than one screenful matches
        assert patients.highlighted.id != shown_before.id
        loaded = [i for i in range(patients.row_count) if patients.row(i) is not None]
        assert loaded == list(range(len(loaded))) and len(loaded) <= patients.size.height
        assert "load_detail" not in started and detail.patient == shown_before
        await pilot.press("enter")  # to the results: what waited comes now
        await settle(pilot)
        assert all(patients.row(i) is not None
                   for i in range(min(desk_module.PAGE, patients.row_count)))
        assert detail.patient.id == patients.highlighted.id
        assert started.count("load_detail") == 1


async def test_when_the_keys_pause_the_detail_follows_the_first_match(desk_db, started,
                                                                     monkeypatch):
    monkeypatch.setattr(desk_module, "KEYS_PAUSE", 1.0)  # longer than a key takes here
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        started.clear()
        await pilot.press("slash", *"nunez")
        await settle(pilot)  # (the pause is a worker too)
        screen = app.screen
        assert screen.focused is screen.query_one("#search", SearchBox)
        assert screen.query_one("#detail", DetailPane).patient.last_name == "Núñez"
        assert started.count("load_detail") == 1  # not one per key


async def test_a_long_search_scrolls_within_its_box(desk_db):
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        typed = "x" * 100 + "END"
        await pilot.press("slash", *typed)
        await settle(pilot)
        assert "xEND" in screen_text(app)
        await pilot.press("home")
        await pilot.pause()
        assert "xEND" not in screen_text(app)
        assert app.screen.query_one("#search", SearchBox).value == typed


async def test_the_footer_is_built_once_at_start_and_again_when_its_keys_change(
        desk_db, monkeypatch):
    built: list[str] = []
    recompose = TextualFooter.recompose

    async def counting(self):
        built.append(type(self.screen).__name__)
        await recompose(self)

    monkeypatch.setattr(TextualFooter, "recompose", counting)
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert built == ["DeskScreen"]
        footer = app.screen.query_one(Footer)
        assert "Find" in screen_text(app) and footer.children
        await pilot.press("slash")  # in the search box "/" is typed: Find is not a key there
        await settle(pilot)
        assert built == ["DeskScreen"] * 2
        await pilot.press("escape")
        await settle(pilot)
        assert built == ["DeskScreen"] * 3


async def test_a_list_draws_a_rows_line_once_while_its_look_stays(desk_db, monkeypatch):
    drawn: list[str] = []
    row_text = PatientList.row_text
    monkeypatch.setattr(PatientList, "row_text",
                        lambda self, row, width: (drawn.append(row.chart),
                                                  row_text(self, row, width))[1])
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        patients = app.screen.query_one("#patients", PatientList)
        before = screen_text(app)
        drawn.clear()
        patients.refresh()
        await pilot.pause()
        assert drawn == [] and screen_text(app) == before
        await pilot.press("down")  # the cursor moves: its old and new lines only
        await pilot.pause()
        assert sorted(drawn) == sorted([patients.row(0).chart, patients.row(1).chart])
        drawn.clear()
        await pilot.press("c")  # focus leaves the list: the cursor's look changes
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert len(drawn) >= patients.size.height - 1


async def test_full_collections_wait_for_a_quiet_moment(desk_db, monkeypatch):
    collected: list[int] = []
    monkeypatch.setattr(app_module.gc, "collect", lambda *a: collected.append(1) or 0)
    threshold = gc.get_threshold()
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert gc.get_threshold()[2] > 10**9  # none by themselves
        monkeypatch.setattr(app_module.gc, "get_count", lambda: (0, 0, threshold[2]))
        await pilot.press("slash", "a")
        app._collect_when_quiet()  # a key a moment ago: not now
        assert collected == []
        monkeypatch.setattr(app, "_last_input",
                            app._last_input - app_module.QUIET_FOR_A_FULL_COLLECTION)
        app._collect_when_quiet()
        assert collected == [1]
    assert gc.get_threshold() == threshold  # Python's own rule once the desk is gone


async def test_the_worker_of_a_key_gets_pythons_lock_sooner(desk_db):
    import sys
    before = sys.getswitchinterval()
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert sys.getswitchinterval() == app_module.LOCK_SWITCH < before
    assert sys.getswitchinterval() == before
