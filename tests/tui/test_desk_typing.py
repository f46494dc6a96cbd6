"""Issue 15, keystrokes at the desk: what a search key costs the desk, and what waits.

- Full garbage collections wait for a quiet moment.
"""

from __future__ import annotations

import gc

from frontdesk.tui import app as app_module
from frontdesk.tui.app import FrontdeskApp

from desk_support import settle


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
