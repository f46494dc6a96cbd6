"""The desk opens on the three lists, with counts equal to the lists service."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from frontdesk import clock
from frontdesk.services.importer import import_csv
from frontdesk.services.lists import desk_lists
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.screens import desk as desk_screen

FIXTURES = Path(__file__).parent.parent / "fixtures"


async def test_the_desk_shows_each_list_with_its_count(db_path):
    import_csv(FIXTURES / "v1_patients.csv", FIXTURES / "v1_appointments.csv")
    expected = desk_lists(clock.today())
    app = FrontdeskApp(db_target=str(db_path))
    async with app.run_test(size=(100, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for name, title in [("mid_stabilization", "Mid-stabilization"),
                            ("due_for_maintenance", "Due maintenance"),
                            ("not_seen_over_a_month", "Not seen >1 month")]:
            panel = app.screen.query_one(f"#{name}", Static)
            assert panel.border_title == f"{len(getattr(expected, name))} {title}"
        assert "Núñez, José" in str(app.screen.query_one("#mid_stabilization", Static).render())
        await pilot.press("r")  # refresh from the keyboard
        await app.workers.wait_for_complete()
        assert app.is_running


async def test_each_panel_fills_the_room_it_has_and_follows_resizing(db_path):
    from frontdesk.services.demo import generate_demo
    generate_demo(patients=400, seed=1, today=clock.today())
    app = FrontdeskApp(db_target=str(db_path), clinic_name="Big Sky Ketamine Care")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.sub_title.startswith("Big Sky Ketamine Care · as of ")
        for size in [(80, 24), (160, 50)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            panel = app.screen.query_one("#not_seen_over_a_month", Static)
            shown = str(panel.render()).splitlines()
            assert len(shown) == panel.content_size.height, size
            assert shown[-1].startswith("… and ") and shown[-1].endswith(" more")


async def test_a_failing_query_shows_a_message_and_the_desk_stays_up(db_path, monkeypatch):
    def broken(_day):
        raise RuntimeError("disk I/O error")
    monkeypatch.setattr(desk_screen, "desk_lists", broken)
    app = FrontdeskApp(db_target=str(db_path))
    async with app.run_test(size=(100, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("disk I/O error" in m for m in messages), messages
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
