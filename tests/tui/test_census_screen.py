"""The manager's census on screen: every number it shows is the one `frontdesk census --format
json` prints for the day (reports.census_dict), read back from what the terminal shows; the
days move with the keys; the week and the trend hold the right days; a change to the database
shows without a key."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time

import pytest

from frontdesk import clock
from frontdesk.config import DeskSettings
from frontdesk.services import flow
from frontdesk.services.census import census
from frontdesk.services.reports import census_dict
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.messages import DataChanged
from frontdesk.tui.screens import census as census_module
from frontdesk.tui.screens.board import BoardScreen
from frontdesk.tui.screens.census import CensusScreen
from frontdesk.tui.screens.desk import DeskScreen
from frontdesk.tui.screens.help import HelpScreen
from frontdesk.tui.widgets.census_figures import ChairTable, WeekTable
from frontdesk.tui.widgets.trend_chart import TrendChart

from census_support import (CENSUS_DAY, EXPECTED_MONDAY, figures_shown, fraction, number,
                            widget_lines, write_clinic)
from desk_support import screen_text, settle

STATUS_WORDS = {"booked": "Booked", "arrived": "Arrived", "in_chair": "In chair",
                "recovery": "Recovery", "completed": "Completed", "no_show": "No-show",
                "cancelled": "Cancelled"}
KIND_WORDS = {"consult": "Consult", "infusion": "Infusion", "assessment": "Assessment"}
PHASE_BADGES = {"intake": "INTAKE", "stabilization": "STAB", "maintenance": "MAINT",
                "integration": "INTEG"}
LIST_WORDS = {"mid_stabilization": "Mid-stabilization",
              "due_for_maintenance": "Due for maintenance",
              "not_seen_over_a_month": "Not seen over a month"}


@pytest.fixture
def census_db(db_path, tmp_path):
    """The hand-computed clinic of tests/cli/test_cli_census.py; today is its Monday."""
    from frontdesk.services.importer import import_csv
    clock.set_today(CENSUS_DAY)
    import_csv(*write_clinic(tmp_path))
    yield db_path
    clock.set_today(None)


def _app(db) -> FrontdeskApp:
    return FrontdeskApp(clinic_name="Test Clinic",
                        desk=DeskSettings(staff="manager"))


async def _open(pilot, key: str = "m") -> CensusScreen:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CensusScreen)
    return screen


def _part(app, name: str):
    return app.screen.query_one(f"#census-{name}")


def shown_census(app) -> dict:
    """Every number of the day view, read from the terminal, in census_dict's shape."""
    appointments = figures_shown(app, _part(app, "appointments"))
    patients = figures_shown(app, _part(app, "patients"))
    overall = figures_shown(app, _part(app, "overall"))
    date = app.screen.day.isoformat()
    utilization = overall["Chair utilization"]
    return {
        "date": date,
        "appointments": {
            "total": number(appointments["Appointments"]),
            "by_status": {k: number(appointments[w]) for k, w in STATUS_WORDS.items()},
            "by_kind": {k: number(appointments[w]) for k, w in KIND_WORDS.items()},
        },
        "patients_seen": number(patients["Patients seen"]),
        "new_patients": number(patients["New patients"]),
        "no_show_rate": fraction(patients["No-show rate"]),
        "late_cancellations": number(patients["Late cancellations"]),
        "chair_utilization": 0.0 if utilization == "closed" else fraction(utilization),
        "active_by_phase": {k: number(patients[w]) for k, w in PHASE_BADGES.items()},
        "lists": {k: number(overall[w]) for k, w in LIST_WORDS.items()},
    }


def title(app) -> str:
    return widget_lines(app, _part(app, "bar"))[0]


def chairs_shown(app) -> dict[str, tuple[int, str]]:
    """Chair name -> (booked minutes, use) of the chair lines on screen."""
    found = {}
    for line in widget_lines(app, _part(app, "chairs"))[2:]:
        if " min " in line:
            name, rest = line.split("  ", 1)
            minutes, use = rest.split(" min ")
            found[name.strip()] = (number(minutes.strip()), use.split()[0])
    return found


# --- opening it ------------------------------------------------------------------------------

async def test_m_on_the_desk_opens_the_census_of_the_desks_day(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, "m")
        assert screen.day == CENSUS_DAY
        assert title(app).startswith(" Monday 23 November 2026 · today")
        expected = census_dict(census(CENSUS_DAY))
        assert expected == EXPECTED_MONDAY  # the clinic is the one worked out by hand
        assert shown_census(app) == expected
        # the numbers a person reads beside each figure, as worked out by hand
        patients = figures_shown(app, _part(app, "patients"))
        assert patients["No-show rate"] == "16.67%"
        assert patients["No-shows"] == "1"
        text = "\n".join(widget_lines(app, _part(app, "overall")))
        assert "20.21%" in text and "485 of 2,400 chair-minutes" in text
        assert "4 chairs × 600 min open" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

        # the desk's chosen day, not today: the day after on the desk opens the day after
        await pilot.press("full_stop")
        await settle(pilot)
        screen = await _open(pilot, "m")
        assert screen.day == CENSUS_DAY + dt.timedelta(days=1)
        assert title(app).startswith(" Tuesday 24 November 2026")
        assert "today" not in title(app)
        assert shown_census(app) == census_dict(census(screen.day))


async def test_f3_opens_todays_census_from_anywhere_and_escape_goes_back(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")  # the board
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        screen = await _open(pilot, "f3")
        assert screen.day == CENSUS_DAY
        await pilot.press("left", "left")
        await settle(pilot)
        assert screen.day == CENSUS_DAY - dt.timedelta(days=2)
        await pilot.press("f1")  # over the help, f3 still brings the census back to today
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is screen and screen.day == CENSUS_DAY
        assert sum(isinstance(s, CensusScreen) for s in app.screen_stack) == 1
        assert shown_census(app) == EXPECTED_MONDAY
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


# --- every number ----------------------------------------------------------------------------

async def test_each_chair_shows_its_minutes_and_share_and_a_retired_one_is_marked(census_db):
    with sqlite3.connect(census_db) as conn:  # Chair 4 retired after its Monday booking
        conn.execute("UPDATE chair SET active = 0 WHERE name = 'Chair 4'")
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        day = census(CENSUS_DAY)
        assert shown_census(app) == census_dict(day)
        # `frontdesk census --chairs`: chair_utilization_by_chair = {name: ChairUse.utilization}
        by_chair = {use.chair: use.utilization for use in day.chairs}
        shown = chairs_shown(app)
        assert set(shown) == {"Chair 1", "Chair 2", "Chair 3", "Chair 4 (retired)"}
        assert {name.removesuffix(" (retired)"): fraction(use)
                for name, (_, use) in shown.items()} == by_chair
        # worked out by hand: Chair 1 90 + 90 (the no-show is not cancelled), Chair 2 125,
        # Chair 3 90 (two cancellations left out), Chair 4 90
        assert {name: minutes for name, (minutes, _) in shown.items()} == {
            "Chair 1": 180, "Chair 2": 125, "Chair 3": 90, "Chair 4 (retired)": 90}
        assert shown["Chair 1"][1] == "30.00%" and shown["Chair 2"][1] == "20.83%"
        # three active chairs: 485 of 1,800 chair-minutes
        overall = "\n".join(widget_lines(app, _part(app, "overall")))
        assert "485 of 1,800 chair-minutes" in overall and "3 chairs × 600 min" in overall
        assert "26.94%" in overall and census_dict(day)["chair_utilization"] == 0.2694


async def test_a_thousand_chairs_scroll_and_only_the_visible_ones_are_drawn(census_db):
    with sqlite3.connect(census_db) as conn:
        conn.executemany("INSERT INTO chair (name, position, active) VALUES (?, ?, 1)",
                         [(f"Extra {i:04d}", 100 + i) for i in range(1, 1001)])
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        chairs = _part(app, "chairs")
        assert isinstance(chairs, ChairTable) and len(chairs.chairs) == 1004
        assert app.screen.focused is chairs
        drawn = []
        original = chairs.row_text
        chairs.row_text = lambda chair, width: drawn.append(chair.chair) or original(chair,
                                                                                    width)
        chairs.refresh()
        await pilot.pause()
        assert 0 < len(drawn) <= chairs.size.height  # the lines in sight, not a thousand
        await pilot.press("end")
        await pilot.pause()
        assert "Extra 1000" in chairs_shown(app)
        await pilot.press("home", "down")
        await pilot.pause()
        assert list(chairs_shown(app))[0] == "Chair 2"
        assert shown_census(app) == census_dict(census(CENSUS_DAY))
        overall = "\n".join(widget_lines(app, _part(app, "overall")))
        assert "485 of 602,400 chair-minutes" in overall  # 1,004 chairs x 600 min


async def test_arrows_t_and_the_week_keys_change_the_day_and_its_numbers(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        for keys, day in [(("left",), dt.date(2026, 11, 22)),
                          (("right", "right"), dt.date(2026, 11, 24)),
                          (("comma", "less_than_sign"), dt.date(2026, 11, 22)),
                          (("full_stop", "greater_than_sign", "right"), dt.date(2026, 11, 25)),
                          (("pageup",), dt.date(2026, 11, 18)),
                          (("left_square_bracket",), dt.date(2026, 11, 11)),
                          (("pagedown", "right_square_bracket", "right_square_bracket"),
                           dt.date(2026, 12, 2)),
                          (("t",), CENSUS_DAY)]:
            await pilot.press(*keys)
            await settle(pilot)
            assert screen.day == day, keys
            assert title(app).startswith(f" {day:%A} {day.day} {day:%B %Y}")
            assert shown_census(app) == census_dict(census(day)), day

        # Sunday: closed; Saturday the 28th: closed with one infusion booked in Chair 1
        await pilot.press("left")
        await settle(pilot)
        assert "closed" in title(app)
        assert figures_shown(app, _part(app, "overall"))["Chair utilization"] == "closed"
        for _ in range(6):
            await pilot.press("right")
        await settle(pilot)
        assert screen.day == dt.date(2026, 11, 28)
        assert shown_census(app)["appointments"]["by_status"]["booked"] == 1
        assert chairs_shown(app)["Chair 1"] == (90, "closed")
        assert "90 chair-minutes booked" in "\n".join(widget_lines(app, _part(app, "overall")))


async def test_keys_held_down_ask_for_one_day_at_a_time(census_db, monkeypatch):
    asked = []

    def slow_census(day):
        asked.append(day)
        time.sleep(0.2)
        return census(day)
    monkeypatch.setattr(census_module, "census", slow_census)
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        asked.clear()
        for _ in range(10):  # a key repeating faster than the query
            screen.action_step_day(-1)
        assert screen.day == CENSUS_DAY - dt.timedelta(days=10)
        # the first day asked for, then (when it answers) only the day chosen now
        await settle(pilot)
        assert asked == [CENSUS_DAY - dt.timedelta(days=1), CENSUS_DAY - dt.timedelta(days=10)]
        assert title(app).startswith(" Friday 13 November 2026")
        assert shown_census(app) == census_dict(census(screen.day))
        # a day already counted comes back without asking again
        await pilot.press("t")
        await settle(pilot)
        assert asked[-1] == CENSUS_DAY - dt.timedelta(days=10)
        assert shown_census(app) == EXPECTED_MONDAY


async def test_a_day_not_loaded_yet_shows_no_numbers_of_another_day(census_db, monkeypatch):
    release = threading.Event()
    started = []

    def gated_census(day):
        started.append(day)
        while not release.is_set():
                time.sleep(0.01)
        return census(day)
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        monkeypatch.setattr(census_module, "census", gated_census)
        await pilot.press("left")
        for _ in range(50):
            await pilot.pause(0.01)
            if started:
                break
        assert started == [CENSUS_DAY - dt.timedelta(days=1)]
        assert screen.day == CENSUS_DAY - dt.timedelta(days=1)
        appointments = figures_shown(app, _part(app, "appointments"))
        assert set(appointments.values()) == {"…"}  # not Monday's 10
        assert "Sunday 22 November 2026" in title(app)
        release.set()
        await settle(pilot)
        assert shown_census(app) == census_dict(census(screen.day))


# --- the week and the trend ------------------------------------------------------------------

def _week_shown(app) -> tuple[list[str], dict[str, list[str]]]:
    """The week view's day headers and, for each row, its values (days, then the week)."""
    lines = widget_lines(app, _part(app, "week-table"))
    heads = lines[0][13:].split()
    heads = [f"{a} {b}" for a, b in zip(heads[0::2], heads[1::2])]
    rows = {}
    for line in lines[1:]:
        label, values = line[:13].strip(), line[13:].split()
        if label and values:
            rows[label] = values
    return heads, rows


async def test_the_week_view_shows_the_seven_days_side_by_side(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.query_one("#census-views").current == "census-week"
        table = _part(app, "week-table")
        assert isinstance(table, WeekTable) and table.chosen == CENSUS_DAY
        heads, rows = _week_shown(app)
        assert heads == ["Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27", "Sat 28", "Sun 29"]
        assert "Week" in widget_lines(app, table)[0]  # the total fits at 80 columns
        days = [census_dict(census(CENSUS_DAY + dt.timedelta(days=i))) for i in range(7)]
        assert [number(v) for v in rows["Appointments"][:7]] == \
            [d["appointments"]["total"] for d in days]
        assert [number(v) for v in rows["Patients seen"][:7]] == [d["patients_seen"] for d in days]
        assert [number(v) for v in rows["New patients"][:7]] == [d["new_patients"] for d in days]
        assert [number(v) for v in rows["No-shows"][:7]] == \
            [d["appointments"]["by_status"]["no_show"] for d in days]
        assert [fraction(v) for v in rows["No-show rate"][:7]] == [d["no_show_rate"] for d in days]
        assert [number(v) for v in rows["Late cancels"][:7]] == \
            [d["late_cancellations"] for d in days]
        assert rows["Chair use"][:7] == ["20.21%", "0.00%", "0.00%", "0.00%", "0.00%",
                                         "closed", "closed"]
        for key, word in STATUS_WORDS.items():
            assert [number(v) for v in rows[word][:7]] == \
                [d["appointments"]["by_status"][key] for d in days], word
        for key, word in KIND_WORDS.items():
            assert [number(v) for v in rows[word][:7]] == \
                [d["appointments"]["by_kind"][key] for d in days], word
        # the week's total: 10 on Monday + the consult at midnight Tuesday + Saturday's infusion
        assert rows["Appointments"][7] == "12"
        # the week's chair use: the open days' booked minutes over their hours (Saturday is
        # closed: its 90 minutes have no capacity to use, as on the day's own census)
        assert rows["Chair use"][7] == percent_of(485, 5 * 4 * 600) == "4.04%"

        # a day later in the same week: the same columns, the highlight moves
        await pilot.press("right")
        await settle(pilot)
        assert table.chosen == CENSUS_DAY + dt.timedelta(days=1)
        assert _week_shown(app)[1] == rows
        # a click on a view's name shows it
        bar = _part(app, "bar")
        day_tab = next(start for start, _, view in bar._tabs if view == "day")
        await pilot.click(bar, offset=(day_tab + 2, 0))
        await settle(pilot)
        assert app.screen.query_one("#census-views").current == "census-day"
        await pilot.press("w")
        await settle(pilot)
        # a week back: the week before, its own numbers
        await pilot.press("pageup")
        await settle(pilot)
        heads, rows = _week_shown(app)
        assert heads[0] == "Mon 16" and screen.day == dt.date(2026, 11, 17)
        assert number(rows["Appointments"][0]) == 2  # P-1's infusion and P-2's no-show
        assert rows["No-show rate"][0] == "50.00%"


def percent_of(part: int, whole: int) -> str:
    return f"{round(part / whole, 4) * 100:.2f}%"


def _charts(app) -> tuple[TrendChart, TrendChart, TrendChart]:
    return (_part(app, "trend-seen"), _part(app, "trend-no-shows"),
            _part(app, "trend-utilization"))


async def test_the_trend_holds_30_days_and_12_weeks_of_the_census(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert app.screen.query_one("#census-views").current == "census-trend"
        seen, no_shows, use = _charts(app)
        days = [CENSUS_DAY - dt.timedelta(days=29 - i) for i in range(30)]
        daily = [census(day) for day in days]
        assert [p.day for p in seen.points] == days
        assert seen.values() == [c.patients_seen for c in daily]
        assert no_shows.values() == [c.no_shows for c in daily]
        # a closed day has no chair use to chart (not 0%)
        assert use.values() == [c.chair_utilization if c.capacity_minutes else None
                                for c in daily]
        assert use.values()[-1] == 0.2021 and use.values()[-2] is None  # Monday, Sunday
        assert [p.closed for p in use.points] == [d.weekday() >= 5 for d in days]
        assert "30 days: Sun 25 Oct – Mon 23 Nov 2026" in screen_text(app)
        chart = "\n".join(widget_lines(app, seen))
        assert "Patients seen" in chart and "Mon 23 Nov: 4" in chart
        assert "23 Nov" in "\n".join(widget_lines(app, use))  # the dates under the bars
        assert "Chair utilization" in "\n".join(widget_lines(app, use))

        await pilot.press("g")  # the 12 weeks ending with this one
        await settle(pilot)
        seen, no_shows, use = _charts(app)
        mondays = [dt.date(2026, 11, 23) - dt.timedelta(weeks=11 - i) for i in range(12)]
        assert [p.day for p in seen.points] == mondays
        weeks = [[census(monday + dt.timedelta(days=d)) for d in range(7)] for monday in mondays]
        assert seen.values() == [sum(c.patients_seen for c in week) for week in weeks]
        assert no_shows.values() == [sum(c.no_shows for c in week) for week in weeks]
        # each day counts its booked minutes up to its own capacity (none on a closed day)
        assert use.values() == [round(sum(min(c.chair_minutes, c.capacity_minutes) for c in week)
                                      / sum(c.capacity_minutes for c in week), 4)
                                for week in weeks]
        assert seen.values()[-1] == 4 and no_shows.values()[-2] == 1  # P-2 on the 16th
        assert "12 weeks: Mon 07 Sep – Sun 29 Nov 2026" in screen_text(app)
        assert "Patient-days seen" in "\n".join(widget_lines(app, seen))

        # the 12 weeks stay while the day moves inside the week, and move with the week
        await pilot.press("right")
        await settle(pilot)
        assert [p.day for p in seen.points] == mondays
        await pilot.press("pagedown")
        await settle(pilot)
        assert seen.points[-1].day == dt.date(2026, 11, 30)
        await pilot.press("g", "d")
        await settle(pilot)
        assert app.screen.query_one("#census-views").current == "census-day"
        assert shown_census(app) == census_dict(census(dt.date(2026, 12, 1)))


# --- live, help, failures --------------------------------------------------------------------

async def test_a_change_to_the_database_shows_without_a_key(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        app._watcher = None  # the test says when the database changed
        booked = next(line for line in flow.board_lines(flow.board_ids(CENSUS_DAY), CENSUS_DAY)
                      if line.status.value == "booked")
        flow.set_status(booked.id, "arrived", staff="desk")
        assert shown_census(app)["appointments"]["by_status"]["booked"] == 1  # not yet
        app.post_message(DataChanged())
        await settle(pilot)
        shown = shown_census(app)
        assert shown["appointments"]["by_status"]["booked"] == 0
        assert shown["appointments"]["by_status"]["arrived"] == 2
        assert shown["patients_seen"] == 5
        assert shown == census_dict(census(CENSUS_DAY))

        # under the help, the census reloads when it comes back
        await pilot.press("f1")
        await pilot.pause()
        flow.set_status(booked.id, "in_chair", staff="desk")
        app.post_message(DataChanged())
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert shown_census(app)["appointments"]["by_status"]["in_chair"] == 2
        assert shown_census(app) == census_dict(census(CENSUS_DAY))

        # the week and the trend follow too
        await pilot.press("w")
        await settle(pilot)
        flow.set_status(booked.id, "recovery", staff="desk")
        app.post_message(DataChanged())
        await settle(pilot)
        assert _week_shown(app)[1]["Recovery"][0] == "2"


async def test_f1_lists_every_key_of_the_census(census_db):
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {description for _, keys in app.screen.sections for _, description in keys}
        for binding in CensusScreen.BINDINGS:
            if not binding.action.startswith("span"):  # the trend's own, in the trend
                assert binding.description in listed, binding.description
        assert {"First chair", "Last chair", "Census", "Today's board"} <= listed
        await pilot.press("escape", "g", "f1")
        await pilot.pause()
        listed = {description for _, keys in app.screen.sections for _, description in keys}
        assert "Trend: 12 weeks" in listed and "Trend view" not in listed


async def test_a_failing_count_is_a_message_and_r_asks_again(census_db, monkeypatch):
    def broken(day):
        raise RuntimeError("disk I/O error")
    app = _app(census_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(census_module, "census", broken)
        await pilot.press("m")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CensusScreen)
        assert any("disk I/O error" in n.message for n in app._notifications)
        assert set(figures_shown(app, _part(app, "appointments")).values()) == {"…"}
        monkeypatch.setattr(census_module, "census", census)
        await pilot.press("r")
        await settle(pilot)
        assert shown_census(app) == EXPECTED_MONDAY
