"""The day sheet (services.daysheet): what goes in which section, and the two renderings, on
hand-built days."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from html.parser import HTMLParser

import pytest

from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db.connection import write_transaction
from frontdesk.domain.model import Kind, Status
from frontdesk.services.daysheet import day_sheet, render_html, render_text

from test_calendar import add_patients  # written as given (no NFC on the way in)

D = dt.date
MONDAY = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 1, 12, 0)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def add(pid: int, start: dt.datetime, kind: Kind, status: Status, chair: str | None,
        minutes: int = 90, *, status_at: dt.datetime = NOW, late: bool = False,
        reason: str | None = None) -> None:
    with write_transaction():
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": NOW})[0].id
        chair_id = m.Chair.get(m.Chair.name == chair).id if chair else None
        insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes", "ends_at",
                                    "chair", "status", "status_at", "status_by", "booked_at",
                                    "booked_by", "late_cancellation", "cancel_reason"],
                    [(pid, kind.value, start, minutes, start + dt.timedelta(minutes=minutes),
                      chair_id, status.value, status_at, staff, NOW, staff, late, reason)])


def set_clinic_name(name: str) -> None:
    with write_transaction():
        (m.ClinicSetting.update(value=json.dumps(name))
         .where(m.ClinicSetting.key == "name").execute())


@pytest.fixture
def week(db_path):
    """Chairs: a new "Window" chair placed first (position 0), Chair 1-4; Chair 3 retired
    with an infusion on Monday, Chair 4 retired with nothing."""
    with write_transaction():
        m.Chair.create(name="Window", position=0)
        m.Chair.update(active=False).where(m.Chair.name.in_(["Chair 3", "Chair 4"])).execute()
    ids = add_patients(("C-1", "Ana", "Núñez"), ("C-2", "Bo", "Berg"), ("C-3", "Cy", "Cole"))
    add(ids["C-1"], at(9), Kind.INFUSION, Status.BOOKED, "Chair 1")
    add(ids["C-2"], at(7), Kind.INFUSION, Status.COMPLETED, "Chair 1")    # 07:00-08:30
    add(ids["C-3"], at(9), Kind.INFUSION, Status.IN_CHAIR, "Chair 3")     # retired chair
    add(ids["C-2"], at(11), Kind.INFUSION, Status.BOOKED, None)           # no chair at all
    add(ids["C-3"], at(10), Kind.CONSULT, Status.NO_SHOW, None, 60)
    add(ids["C-1"], at(13), Kind.INFUSION, Status.CANCELLED, "Window",
        status_at=at(9, 15), late=True, reason="car broke down")
    add(ids["C-2"], at(15), Kind.ASSESSMENT, Status.CANCELLED, None, 30,
        status_at=dt.datetime(2026, 11, 20, 16, 5))
    add(ids["C-1"], at(9, day=MONDAY + dt.timedelta(days=1)), Kind.INFUSION, Status.BOOKED,
        "Chair 2")                                                         # another day
    return ids


def test_sections_by_chair_in_chair_order(week):
    sheet = day_sheet(MONDAY)
    # Window (position 0), Chair 1, Chair 2 active; retired Chair 3 holds something: after
    # them; retired Chair 4 holds nothing: left out
    assert [(b.name, b.active) for b in sheet.chairs] == [
        ("Window", True), ("Chair 1", True), ("Chair 2", True), ("Chair 3", False)]
    by_name = {b.name: b for b in sheet.chairs}
    assert by_name["Window"].lines == ()          # its only appointment was cancelled
    assert by_name["Chair 2"].lines == ()         # Tuesday's is another day
    assert [(line.start, line.name, line.status) for line in by_name["Chair 1"].lines] == [
        (at(7), "Berg, Bo", Status.COMPLETED), (at(9), "Núñez, Ana", Status.BOOKED)]
    assert [line.chart for line in by_name["Chair 3"].lines] == ["C-3"]
    # consults and assessments, and the infusion booked without a chair
    assert [(line.start, line.kind, line.chair) for line in sheet.no_chair] == [
        (at(10), Kind.CONSULT, None), (at(11), Kind.INFUSION, None)]
    assert sheet.booked == 5
    assert (sheet.opens, sheet.closes, sheet.is_open) == (dt.time(8), dt.time(18), True)
    assert sheet.clinic == "Ketamine Clinic"
    with pytest.raises(dataclasses.FrozenInstanceError):
        sheet.clinic = "x"


def test_cancelled_lines_carry_when_late_and_why(week):
    sheet = day_sheet(MONDAY)
    first, second = sheet.cancelled
    assert (first.start, first.end, first.chair, first.cancelled_at, first.late_cancellation,
            first.cancel_reason) == (at(13), at(14, 30), "Window", at(9, 15), True,
                                     "car broke down")
    assert (second.start, second.end, second.kind, second.cancelled_at,
            second.late_cancellation, second.cancel_reason) == (
        at(15), at(15, 30), Kind.ASSESSMENT, dt.datetime(2026, 11, 20, 16, 5), False, None)
    text = render_text(sheet)
    # the note goes under the row, wrapped within 100 columns
    assert max(len(line) for line in text.splitlines()) <= 100
    assert ("Window; cancelled Mon 2026-11-23 09:15, late (under 24 h before); "
            "reason: car broke down") in " ".join(text.split())
    assert text.endswith("cancelled Fri 2026-11-20 16:05\n")   # no reason stored: none shown


def test_text_sections(week):
    text = render_text(day_sheet(MONDAY))
    lines = text.splitlines()
    assert lines[:2] == ["Ketamine Clinic: day sheet",
                         "Monday 2026-11-23 · open 08:00-18:00 · 5 appointments, 2 cancelled"]
    titles = [line for line in lines if line and not line.startswith(" ")][3:]
    assert titles == ["Window", "Chair 1 (2)", "Chair 2", "Chair 3, retired (1)",
                      "Consults and assessments, no chair (2)", "Cancelled (2)"]
    assert "  11:00-12:30  Berg, Bo" in text
    assert "no-show" in text and "in chair" in text


def test_text_fits_100_columns_and_cuts_only_names(db_path):
    long_last = "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh-Cholmondeley" \
                "-Marjoribanks-Saint John"                             # 89 characters
    chart = "CHART-" + "9" * 26                                         # 32, the longest
    ids = add_patients((chart, "Hubert Blaine", long_last), ("C-2", "Al", "Ng"))
    add(ids[chart], at(9), Kind.INFUSION, Status.BOOKED, "Chair 1")
    add(ids["C-2"], at(11), Kind.INFUSION, Status.BOOKED, "Chair 1")
    text = render_text(day_sheet(MONDAY))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    row = next(line for line in lines if "09:00" in line)
    assert chart in row                      # the chart number is never cut
    assert "…" in row and "Hubert" not in row
    # room for the name: 100 - 2 indent - 11 time - 10 kind - 9 status - 4 x 2 gaps = 60,
    # less the 32 of the chart = 28 columns, the last one the ellipsis
    name = row[15:15 + 28]
    assert name == long_last[:27] + "…"
    other = next(line for line in lines if "11:00" in line)
    assert other.index("C-2") == row.index(chart) == 15 + 28 + 2


def test_text_aligns_decomposed_and_wide_names(db_path):
    decomposed = unicodedata.normalize("NFD", "Nguyễn")   # 6 letters, 8 code points
    assert len(decomposed) == 8
    ids = add_patients(("C-1", "Thị", decomposed), ("C-2", "太郎", "山田"),
                       ("C-3", "Ann", "Lee"))
    add(ids["C-1"], at(8), Kind.INFUSION, Status.BOOKED, "Chair 1")
    add(ids["C-2"], at(10), Kind.INFUSION, Status.BOOKED, "Chair 1")
    add(ids["C-3"], at(12), Kind.INFUSION, Status.BOOKED, "Chair 1")
    lines = render_text(day_sheet(MONDAY)).splitlines()
    rows = {line[2:7]: line for line in lines if line[2:4].isdigit()}
    # composed on the way out: "Nguyễn, Thị" is 11 characters, one column each
    assert "Nguyễn, Thị" in rows["08:00"]
    # the name column is as wide as the widest name: "山田, 太郎" is 6 characters, 4 of them
    # two columns wide = 10 columns; "Nguyễn, Thị" 11: the column is 11, so the chart starts
    # at 2 + 11 + 2 + 11 + 2 = 28 on screen; in characters 4 fewer on the wide line
    assert rows["08:00"].index("C-1") == 28
    assert rows["12:00"].index("C-3") == 28
    assert rows["10:00"].index("C-2") == 28 - 4


def test_a_day_that_runs_past_midnight(db_path):
    ids = add_patients(("C-1", "Ann", "Lee"))
    add(ids["C-1"], at(23, 30), Kind.INFUSION, Status.BOOKED, "Chair 2")
    text = render_text(day_sheet(MONDAY))
    assert "23:30-01:00 (+1 day)" in text


def test_closed_day_lists_only_what_is_booked(db_path):
    saturday = D(2026, 11, 28)
    ids = add_patients(("C-1", "Ann", "Lee"))
    add(ids["C-1"], at(9, day=saturday), Kind.INFUSION, Status.BOOKED, "Chair 2")
    sheet = day_sheet(saturday)
    assert (sheet.is_open, sheet.opens) == (False, None)
    assert [b.name for b in sheet.chairs] == ["Chair 2"]
    assert not sheet.show_no_chair
    text = render_text(sheet)
    assert "Saturday 2026-11-28 · closed · 1 appointment booked on a closed day" in text
    assert "Consults" not in text
    empty = render_text(day_sheet(D(2026, 11, 29)))
    assert empty.splitlines()[1] == "Sunday 2026-11-29 · closed · nothing booked"
    assert len(empty.splitlines()) == 3


class Cells(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.h: list[str] = []
        self.title = ""
        self.tags: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "th", "h1", "h2", "title"):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag in ("td", "th"):
                self.cells.append(text)
            elif tag == "title":
                self.title = text
            else:
                self.h.append(" ".join(text.split()))
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)


def test_html_escapes_every_value(db_path):
    set_clinic_name('Smith & "Sons" <Clinic>')
    with write_transaction():
        m.Chair.update(name='<b>Bay "1"</b>').where(m.Chair.name == "Chair 1").execute()
    ids = add_patients(("C-<1>", "Ann & Bo", "O'Brien <script>alert(1)</script>"))
    add(ids["C-<1>"], at(9), Kind.INFUSION, Status.BOOKED, '<b>Bay "1"</b>')
    add(ids["C-<1>"], at(12), Kind.INFUSION, Status.CANCELLED, '<b>Bay "1"</b>',
        reason="<i>flu</i> & fever")
    page = render_html(day_sheet(MONDAY))
    for raw in ("<script>", "<b>", "<i>", "<Clinic>", "C-<1>", "& fever", "& Bo"):
        assert raw not in page
    parsed = Cells()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags and "i" not in parsed.tags
    assert parsed.title == 'Smith & "Sons" <Clinic>: day sheet for Monday 2026-11-23'
    assert parsed.h[0] == 'Smith & "Sons" <Clinic>'
    assert '<b>Bay "1"</b> (1)' in parsed.h
    assert "O'Brien <script>alert(1)</script>, Ann & Bo" in parsed.cells
    assert "C-<1>" in parsed.cells
    assert "<i>flu</i> & fever" in parsed.cells     # the cancel reason, read back as stored
