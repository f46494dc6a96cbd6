"""Issue 15, the desk's start: its first screenful read while Textual loads (tui.preload).

- The desk shows what the preload read, the first time each pane loads, and asks the database
  itself from then on; an answer not there yet is waited for, a failed one asked again.
- A write made after the preload's watcher started is seen by the desk's first look.
- The preload imports no Textual: `frontdesk` starts it first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from frontdesk import clock
from frontdesk.services import patients as patient_service
from frontdesk.services.patients import Filter
from frontdesk.tui import preload as preload_module
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.preload import DeskPreload
from frontdesk.tui.screens import desk as desk_module
from frontdesk.tui.widgets.detail import DetailPane
from frontdesk.tui.widgets.filter_bar import FilterBar
from frontdesk.tui.widgets.month_grid import MonthGrid

from desk_support import settle

SIZE = (160, 50)
#: The desk's own readers, which a preloaded pane does not call the first time.
DESK_READERS = ("filter_counts", "day_agenda", "day_counts", "clinic_settings",
                "patient_detail")


def _shown(app) -> dict:
    screen = app.screen
    patients = screen.query_one("#patients")
    detail = screen.query_one("#detail", DetailPane).patient
    return {"counts": dict(screen.query_one("#filters", FilterBar).counts),
            "rows": [patients.row(i).chart for i in range(min(20, patients.row_count))],
            "size": patients.row_count,
            "agenda": len(screen.query_one("#agenda")._rows),
            "month": dict(screen.query_one("#month", MonthGrid).counts),
            "detail": detail.chart if detail else None}


def _count_desk_reads(monkeypatch) -> list[str]:
    """The desk's own calls of its readers, by name (not the preload's threads')."""
    calls: list[str] = []

    def counted(name, call):
        def reader(*args, **kwargs):
            if not threading.current_thread().name.startswith("desk-preload"):
                calls.append(name)
            return call(*args, **kwargs)
        return reader

    for name in DESK_READERS:
        monkeypatch.setattr(desk_module, name, counted(name, getattr(desk_module, name)))
    monkeypatch.setattr(patient_service.ListPager, "size",
                        counted("list", patient_service.ListPager.size))
    return calls


async def _open(preload=None) -> tuple[FrontdeskApp, dict]:
    app = FrontdeskApp(clinic_name="Test Clinic", preload=preload)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        return app, _shown(app)


async def test_the_desk_shows_what_the_preload_read_without_asking_again(desk_db,
                                                                         monkeypatch):
    _, without = await _open()
    preload = DeskPreload(clock.today())
    for thread in preload.threads:  # every answer here before the app starts
        thread.join()
    calls = _count_desk_reads(monkeypatch)
    app = FrontdeskApp(clinic_name="Test Clinic", preload=preload)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _shown(app) == without
        assert without["counts"][Filter.ALL] > 0 and without["rows"] and without["detail"]
        assert calls == []
        await pilot.press("r")  # a refresh asks the database: what it holds now
        await settle(pilot)
        assert sorted(calls) == ["day_agenda", "day_counts", "filter_counts", "list",
                                 "patient_detail"]
        assert _shown(app) == without


async def test_an_answer_still_coming_is_waited_for_and_a_failed_one_asked_again(
        desk_db, monkeypatch):
    _, without = await _open()
    counts_may_go = threading.Event()
    counts = preload_module.filter_counts

    def slow_counts(as_of):
        counts_may_go.wait(10)
        return counts(as_of)

    def broken_agenda(day):
        raise RuntimeError("the preload's read failed")

    monkeypatch.setattr(preload_module, "filter_counts", slow_counts)
    monkeypatch.setattr(preload_module, "day_agenda", broken_agenda)
    calls = _count_desk_reads(monkeypatch)
    app = FrontdeskApp(clinic_name="Test Clinic", preload=DeskPreload(clock.today()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#filters", FilterBar)
        assert not bar.counts  # waiting for the preload's counts, not asking for them
        counts_may_go.set()
        await settle(pilot)
        assert _shown(app) == without
        assert calls == ["day_agenda"]  # the failed read, asked again by the desk
        assert not app._notifications  # and nothing to report


async def test_a_write_after_the_preload_began_is_seen_by_the_first_look(desk_db):
    preload = DeskPreload(clock.today())
    for thread in preload.threads:
        thread.join()
    # another desk writes after the preload read the first patient: the desk must not keep
    # showing the notes as they were
    pager = patient_service.ListPager(patient_service.ListQuery(clock.today()))
    pager.size()
    first = pager.page(0, 1)[0]
    version = patient_service.patient_detail(first.id, clock.today()).version
    patient_service.save_notes(first.id, "Prefers mornings", expected_version=version,
                               staff="bo")
    app = FrontdeskApp(clinic_name="Test Clinic", preload=preload)
    async with app.run_test(size=SIZE) as pilot:
        detail = app.screen.query_one("#detail", DetailPane)
        for _ in range(40):  # the watcher looks every half second
            await settle(pilot, rounds=2)
            if detail.patient is not None and detail.patient.notes == "Prefers mornings":
                break
            await pilot.pause(0.1)
        assert detail.patient.id == first.id
        assert detail.patient.notes == "Prefers mornings"


def test_the_preload_imports_no_textual():
    probe = ("import json, sys; import frontdesk.tui.preload; "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == []


async def test_the_other_screens_load_once_the_desk_is_quiet(desk_db, monkeypatch):
    import time
    from frontdesk.tui import app as app_module
    loaded: list[tuple[str, float]] = []
    monkeypatch.setattr(app_module.importlib, "import_module",
                        lambda name: loaded.append((name, time.monotonic())))
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # quiet from the start: loaded after the first frame
        assert [name for name, _ in loaded] == list(app_module.WARM_UP)
        loaded.clear()
        await pilot.press("slash", "a")
        typed = app._last_input
        app.warm_up()  # (again, as if not done yet) a key a moment ago: not before a pause
        await settle(pilot)
        assert [name for name, _ in loaded] == list(app_module.WARM_UP)
        assert loaded[0][1] - typed >= app_module.WARM_UP_WHEN_QUIET


def test_a_desk_on_sqlite_does_without_the_postgresql_driver(tmp_path):
    probe = (f"import json, sys; from frontdesk import cli; "
             f"cli._without_postgresql({str(tmp_path / 'c.db')!r}); "
             f"from frontdesk.services.clinic import open_clinic, clinic_settings; "
             f"open_clinic({str(tmp_path / 'c.db')!r}); clinic_settings(); "
             f"print(json.dumps(sorted(m for m in sys.modules if m.startswith('psycopg2') "
             f"and sys.modules[m] is not None)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == []
    probe = ("import sys; from frontdesk import cli; "
             "cli._without_postgresql('postgresql://u@localhost/x'); import peewee; "
             "print(peewee.psycopg2 is not None)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"
