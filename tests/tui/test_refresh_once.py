"""Issue 15: a write at a desk reloads each of the desk's panes once.

The change watcher is the one trigger of a reload (DESIGN: a change refreshes each screen
once). Counted from the app's own workers as they are added, over the watcher's next looks,
so a second reload would have come by then: the list, the filter counts, the agenda, the
month's counts and the detail each load once.
"""

from __future__ import annotations

from collections import Counter

import pytest

from frontdesk.config import DeskSettings
from frontdesk.tui.app import FrontdeskApp

from desk_support import rows, settle

RELOAD = {"load_counts": 1, "load_list": 1, "load_agenda": 1, "load_month": 1,
          "load_detail": 1}



async def _looks(pilot, started: list[str], count: int) -> None:
    """Until the change watcher has looked `count` more times, and all is handled."""
    target = started.count("look_for_changes") + count
    for _ in range(200):
        await settle(pilot, rounds=1)
        if started.count("look_for_changes") >= target:
            break
        await pilot.pause(0.05)
    await settle(pilot)
    assert started.count("look_for_changes") >= target


def _reloads(started: list[str]) -> Counter:
    return Counter(name for name in started if name in RELOAD)


async def _one_write(desk_db, started, before: tuple[str, ...], write: tuple[str, ...]):
    app = FrontdeskApp(clinic_name="Test Clinic", desk=DeskSettings(staff="anna"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press(*before)
        await _looks(pilot, started, 2)  # quiet: the desk shows what it shows
        started.clear()
        await pilot.press(*write)
        await _looks(pilot, started, 3)
        return app, _reloads(started)


@pytest.mark.parametrize("before, write, check", [
    # a recall call on the Due list (l, 2: no answer)
    (("3", "down"), ("l", "2", "enter"), "SELECT count(*) FROM recall_call"),
    # desk notes (a SavingDialog of its own)
    (("slash", *"smith", "enter"), ("e", *"hi", "ctrl+s"),
     "SELECT count(*) FROM patient WHERE notes LIKE '%hi'"),
    # a walk-in checked in (the dialog tells the watcher, and the status change again)
    (("slash", *"smith", "enter"), ("i", "enter"),
     "SELECT count(*) FROM appointment WHERE status = 'arrived'"),
], ids=["call", "notes", "walk-in"])
async def test_a_write_at_the_desk_reloads_each_pane_once(desk_db, started, before, write,
                                                          check):
    done_before = rows(desk_db, check)
    _, reloads = await _one_write(desk_db, started, before, write)
    assert rows(desk_db, check) != done_before  # the write was made
    assert reloads == RELOAD


async def test_an_undo_at_the_desk_reloads_each_pane_once(desk_db, started):
    app = FrontdeskApp(clinic_name="Test Clinic", desk=DeskSettings(staff="anna"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"smith", "enter", "i", "enter")
        await _looks(pilot, started, 2)
        arrived = rows(desk_db, "SELECT count(*) FROM appointment WHERE status = 'arrived'")
        started.clear()
        await pilot.press("u")
        await _looks(pilot, started, 3)
        assert rows(desk_db, "SELECT count(*) FROM appointment WHERE status = 'arrived'") \
            != arrived
        assert _reloads(started) == RELOAD


async def test_a_write_from_another_desk_reloads_each_pane_once(desk_db, started):
    app = FrontdeskApp(clinic_name="Test Clinic", desk=DeskSettings(staff="anna"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await _looks(pilot, started, 2)
        started.clear()
        import sqlite3
        with sqlite3.connect(desk_db) as other:  # another program, another connection
            other.execute("UPDATE patient SET notes = 'from the other desk' WHERE id = "
                          "(SELECT min(id) FROM patient)")
        await _looks(pilot, started, 3)
        assert _reloads(started) == RELOAD
