"""The detail pane's scores: a sparkline per measure against its fixed maximum, the latest
value and its day, and a flag (words and style) when a progress assessment is due."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.tui.app import FrontdeskApp
from frontdesk.tui.format import sparkline
from frontdesk.tui.widgets.detail import DetailPane

from desk_support import screen_text, settle, type_text

T = dt.datetime


# --- the sparkline ----------------------------------------------------------------------------

def test_sparkline_spans_the_measures_whole_range():
    assert sparkline([0, 27], 27) == "▁█"
    assert sparkline([0, 21], 21) == "▁█"


def test_sparkline_scales_against_the_fixed_maximum_not_the_patients_range():
    assert sparkline([0, 9, 18, 27], 27) == "▁▃▆█"
    assert sparkline([10, 11, 12], 27) == "▄▄▄"  # a flat patient stays flat
    assert sparkline([21], 27) == "▆" and sparkline([21], 21) == "█"
    assert sparkline(range(22), 21) == "▁▁▂▂▂▃▃▃▄▄▄▅▅▅▆▆▆▇▇▇██"


def test_sparkline_shows_a_missing_value_as_a_gap_and_nothing_as_nothing():
    assert sparkline([27, None, 0], 27) == "█ ▁"
    assert sparkline([], 27) == ""


def test_sparkline_keeps_values_out_of_range_at_its_ends():
    assert sparkline([-3, 40], 27) == "▁█"


# --- the detail pane --------------------------------------------------------------------------

@pytest.fixture
def scored_db(desk_db):
    """O'Brien (C-1002, maintenance since June) had an infusion on Nov 17 with scores at its
    check-in, which do not settle the assessment due the day after; the Nov 24 scores come
    after the desk's day and must not show."""
    with write_transaction():
        patient = m.Patient.get(m.Patient.chart_number == "C-1002")
        staff = m.Staff.select().first()
        start = T(2026, 11, 17, 9)
        ends = start + dt.timedelta(minutes=90)
        # a chair the demo left free then (the database refuses two infusions in one chair)
        busy = (m.Appointment.select(m.Appointment.chair)
                .where(m.Appointment.chair.is_null(False), m.Appointment.kind == "infusion",
                       m.Appointment.status != "cancelled",
                       m.Appointment.start < ends, m.Appointment.ends_at > start))
        chair = (m.Chair.select().where(m.Chair.id.not_in(busy))
                 .order_by(m.Chair.position, m.Chair.id).first()
                 or m.Chair.create(name="Extra chair", position=99))
        appointment = m.Appointment.create(
            patient=patient.id, kind="infusion", start=start, duration_minutes=90,
            ends_at=ends, chair=chair.id, status="completed",
            status_at=start, status_by=staff.id, booked_at=start, booked_by=staff.id)
        sittings = [(T(2026, 10, 1, 9), 21, 16), (T(2026, 10, 15, 9), 15, None),
                    (T(2026, 11, 1, 9), 12, 10), (T(2026, 11, 17, 9), 9, 7),
                    (T(2026, 11, 24, 9), 1, 1)]
        for taken_at, phq9, gad7 in sittings:
            m.Measurement.create(patient=patient.id, taken_at=taken_at, phq9=phq9, gad7=gad7,
                                 staff=staff.id,
                                 appointment=appointment.id if taken_at == start else None)
    return desk_db


async def _show(pilot, chart: str) -> DetailPane:
    app = pilot.app
    await settle(pilot)
    await pilot.press("slash")
    app.screen.query_one("#search", Input).value = ""
    await type_text(pilot, chart)
    await pilot.press("enter")
    await settle(pilot)
    pane = app.screen.query_one("#detail", DetailPane)
    assert pane.patient is not None and pane.patient.chart == chart
    return pane


def _pane_text(app) -> str:
    pane = app.screen.query_one("#detail", DetailPane)
    region = pane.content_region
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return "\n".join(line[region.x:region.right] for line in lines)


async def test_the_detail_shows_each_measures_line_and_the_due_flag(scored_db):
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await _show(pilot, "C-1002")
        text = _pane_text(app)
        lines = text.splitlines()
        assert "ASSESSMENT DUE since Nov 18" in lines[0]
        phq9 = next(line for line in lines if "PHQ-9" in line)
        gad7 = next(line for line in lines if "GAD-7" in line)
        assert "▆▅▄▃  21 → 9  (Nov 17)" in phq9
        assert "▆ ▄▃  16 → 7  (Nov 17)" in gad7  # not taken on Oct 15: a gap
        # the flag differs in style as well as in words
        flag = pane.get_component_rich_style("detail--assessment-due")
        assert flag.reverse and flag.bold
        # a patient with no scores, and no assessment outstanding
        await _show(pilot, "C-1001")
        text = _pane_text(app)
        assert "Scores    none recorded" in text
        assert "ASSESSMENT" not in text.upper()


async def test_at_80_columns_the_flag_shows_and_the_scores_scroll_into_view(scored_db):
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _show(pilot, "C-1002")
        assert "ASSESSMENT DUE since Nov 18" in _pane_text(app).splitlines()[0]
        pane.scroll_end(animate=False)
        await pilot.pause()
        text = _pane_text(app)
        assert "21 → 9  (Nov 17)" in text and "16 → 7  (Nov 17)" in text


async def test_in_one_column_the_scores_follow_the_fields(scored_db):
    app = FrontdeskApp(clinic_name="Test Clinic")
    async with app.run_test(size=(60, 40)) as pilot:
        pane = await _show(pilot, "C-1002")
        pane.scroll_to(y=6, animate=False)
        await pilot.pause()
        lines = _pane_text(app).splitlines()
        seen = next(n for n, line in enumerate(lines) if line.startswith("Last seen"))
        assert lines[seen + 1].startswith("PHQ-9     ▆▅▄▃  21 → 9  (Nov 17)")
        assert lines[seen + 2].startswith("GAD-7     ▆ ▄▃  16 → 7  (Nov 17)")
