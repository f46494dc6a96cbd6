"""The manager's exports through the real command: `frontdesk daysheet` (text and HTML) and
`frontdesk export-ics` (a day, a patient), each parsed back and checked against the small
clinic below, whose every line was worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from icalendar import Calendar

from cli_support import PATIENT_HEADER, one_line_error, patient, query, write_csv

HEADER = ["patient_id", "start", "duration_minutes", "kind", "status", "chair", "cancelled_at"]
FRONTDESK = Path(sys.executable).with_name("frontdesk")

NUNEZ = "Núñez, Ana"
NGUYEN = "Nguyễn, Thị"
OBRIEN = "O'Brien <script>, Seán"
LEE = "Lee, Bob"
CLINIC = "Ketamine Clinic"   # the default name

PATIENTS = [
    patient("C-1001", "Ana", "Núñez", phase="maintenance", since="2026-06-01"),
    patient("C-1002", "Thị", "Nguyễn", phase="stabilization", since="2026-11-16"),
    patient("C-1003", "Seán", "O'Brien <script>", phase="intake", since="2026-11-01"),
    patient("C-1004", "Bob", "Lee", phase="maintenance", since="2026-06-01"),
]


def A(pid, start, kind, status, chair="", duration="", cancelled_at=""):
    return [pid, start, duration, kind, status, chair, cancelled_at]


APPOINTMENTS = [
    # Monday 2026-11-23
    A("C-1001", "2026-11-23T09:00", "infusion", "booked", "Chair 1"),      # 09:00-10:30
    A("C-1002", "2026-11-23T09:00", "infusion", "in_chair", "Chair 2"),    # 09:00-10:30
    A("C-1003", "2026-11-23T11:00", "infusion", "booked", "Chair 1", duration="120"),  # -13:00
    A("C-1004", "2026-11-23T10:00", "consult", "arrived"),                 # 10:00-11:00
    A("C-1002", "2026-11-23T14:00", "assessment", "booked"),               # 14:00-14:30
    # cancelled 5 h before the start: late; the importer stores the reason "imported"
    A("C-1004", "2026-11-23T13:00", "infusion", "cancelled", "Chair 3",
      cancelled_at="2026-11-23T08:00"),
    # other days
    A("C-1001", "2026-11-16T09:00", "infusion", "completed", "Chair 1"),
    A("C-1001", "2026-11-30T09:00", "infusion", "booked", "Chair 1"),
    A("C-1001", "2026-11-25T10:00", "consult", "cancelled", cancelled_at="2026-11-20T10:00"),
    A("C-1004", "2026-11-28T09:00", "infusion", "booked", "Chair 2"),      # a Saturday
]
FLU = "Has the flu; will call <back> & rebook"


def import_clinic(cli, folder):
    write_csv(folder / "p.csv", PATIENT_HEADER, PATIENTS)
    write_csv(folder / "a.csv", HEADER, APPOINTMENTS)
    result = cli("import", "--patients", "p.csv", "--appointments", "a.csv")
    assert result.code == 0, result.err
    # one more, booked and then cancelled at the desk with a reason (on 11-21: not late)
    booked = cli("book", "--patient", "C-1004", "--kind", "infusion",
                 "--start", "2026-11-23T15:00", "--chair", "Chair 3")
    assert booked.code == 0, booked.err
    appointment_id = json.loads(booked.out)["id"]
    cancelled = cli("set-status", str(appointment_id), "cancelled", "--reason", FLU)
    assert cancelled.code == 0, cancelled.err


@pytest.fixture
def clinic(made_once, db):
    made_once(import_clinic)
    return db


def run(cli, *args: str) -> str:
    result = cli(*args)
    assert result.code == 0, result.err
    return result.out


def run_bytes(user_dirs, db: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The command with its stdout as bytes (the text fixture turns CRLF into LF)."""
    return subprocess.run([str(FRONTDESK), "--db", str(db), "--today", "2026-11-21", *args],
                          capture_output=True, env={**os.environ, **user_dirs}, cwd=cwd,
                          timeout=120)


# --- daysheet: text ----------------------------------------------------------------------------

def sections(text: str) -> dict[str, list[str]]:
    """Title line -> the lines under it, up to the next empty line."""
    out, title = {}, None
    for line in text.splitlines():
        if not line.strip():
            title = None
        elif title is None:
            title = line
            out[title] = []
        else:
            out[title].append(line)
    return out


def test_daysheet_text_by_chair(cli, clinic):
    text = run(cli, "daysheet", "--on", "2026-11-23")
    lines = text.splitlines()
    assert lines[0] == f"{CLINIC}: day sheet"
    # 5 appointments still on; 2 cancelled
    assert lines[1] == "Monday 2026-11-23 · open 08:00-18:00 · 5 appointments, 2 cancelled"
    parts = sections(text)
    titles = [t for t in parts if not t.startswith(CLINIC)]
    assert titles == ["Chair 1 (2)", "Chair 2 (1)", "Chair 3", "Chair 4",
                      "Consults and assessments, no chair (2)", "Cancelled (2)"]

    def cells(line):
        return [c.strip() for c in line.split("  ") if c.strip()]

    assert [cells(r) for r in parts["Chair 1 (2)"][1:]] == [
        ["09:00-10:30", NUNEZ, "C-1001", "infusion", "booked"],
        ["11:00-13:00", OBRIEN, "C-1003", "infusion", "booked"]]
    assert [cells(r) for r in parts["Chair 2 (1)"][1:]] == [
        ["09:00-10:30", NGUYEN, "C-1002", "infusion", "in chair"]]
    assert parts["Chair 3"] == ["  free all day"]   # both its infusions were cancelled
    assert parts["Chair 4"] == ["  free all day"]
    assert [cells(r) for r in parts["Consults and assessments, no chair (2)"][1:]] == [
        ["10:00-11:00", LEE, "C-1004", "consult", "arrived"],
        ["14:00-14:30", NGUYEN, "C-1002", "assessment", "booked"]]
    # each cancelled row, then its note under the patient column (wrapped when long)
    rows, notes = [], []
    for line in parts["Cancelled (2)"][1:]:
        if line[2:3].isdigit():
            rows.append(cells(line))
            notes.append([])
        else:
            assert line.startswith(" " * 15) and line[15] != " "
            notes[-1].append(line.strip())
    assert rows == [["13:00-14:30", LEE, "C-1004", "infusion", "cancelled"],
                    ["15:00-16:30", LEE, "C-1004", "infusion", "cancelled"]]
    late, flu = (" ".join(n) for n in notes)
    # 11-23 08:00 is 5 h before 13:00: late; the importer's reason
    assert late == (
        "Chair 3; cancelled Mon 2026-11-23 08:00, late (under 24 h before); reason: imported")
    # cancelled at the desk on 11-21 (not late: two days before), with the reason typed
    assert flu.startswith("Chair 3; cancelled Sat 2026-11-21 ")
    assert flu.endswith(f"; reason: {FLU}")
    assert "late" not in flu


def test_daysheet_text_columns_stay_aligned_with_accented_names(cli, clinic):
    text = run(cli, "daysheet", "--on", "2026-11-23")
    table_lines = [line for line in text.splitlines()
                   if line.startswith("  ") and line[2:3].isdigit() or "  Time" in line]
    # rows (chair 1, chair 2, no chair, cancelled) + one header per table (chairs 3 and 4
    # are free: no table)
    assert len(table_lines) == 2 + 1 + 2 + 2 + 4
    # the chart and kind columns start at the same place on every line (names are composed:
    # one character, one column)
    chart_at = {line.index("C-100") if "C-100" in line else line.index("Chart")
                for line in table_lines}
    kind_at = {min(line.index(k) for k in ("infusion", "consult", "assessment", "Kind")
                   if k in line) for line in table_lines}
    assert len(chart_at) == 1 and len(kind_at) == 1
    assert all(unicodedata.is_normalized("NFC", line) for line in table_lines)
    assert max(len(line) for line in text.splitlines()) <= 100


def test_daysheet_closed_and_empty_days(cli, clinic):
    saturday = run(cli, "daysheet", "--on", "2026-11-28")
    assert "Saturday 2026-11-28 · closed · 1 appointment booked on a closed day" in saturday
    parts = sections(saturday)
    # only the chair holding something; no "free all day" chairs on a closed day
    assert [t for t in parts if t.startswith("Chair")] == ["Chair 2 (1)"]
    assert "free all day" not in saturday
    sunday = run(cli, "daysheet", "--on", "2026-11-29")
    assert "Sunday 2026-11-29 · closed · nothing booked" in sunday
    assert "Chair" not in sunday
    wednesday = run(cli, "daysheet", "--on", "2026-12-02")   # open, nothing booked
    assert "Wednesday 2026-12-02 · open 08:00-18:00 · no appointments" in wednesday
    parts = sections(wednesday)
    assert {t: v for t, v in parts.items() if t.startswith("Chair")} == {
        f"Chair {n}": ["  free all day"] for n in range(1, 5)}
    assert parts["Consults and assessments, no chair"] == ["  none"]
    assert "Cancelled" not in wednesday


def test_daysheet_default_day_is_today(cli, clinic):
    assert "Saturday 2026-11-21 · closed" in run(cli, "daysheet")   # --today 2026-11-21


# --- daysheet: HTML ----------------------------------------------------------------------------

VOID = {"meta", "br", "link", "img", "hr", "input"}


class SheetParser(HTMLParser):
    """Collects the tables (rows of (tag, text, attrs) cells), h2 titles, title, and checks
    that every element is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.tables: list[list[list[tuple[str, str, dict]]]] = []
        self.h2: list[str] = []
        self.title = ""
        self.style = ""
        self.metas: list[dict] = []
        self.doctype = None
        self._cell = None
        self._text: list[str] = []

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in VOID:
            if tag == "meta":
                self.metas.append(dict(attrs))
            return
        self.stack.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = (tag, dict(attrs))
        if tag in ("td", "th", "h2", "title", "style"):
            self._text = []

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
        text = "".join(self._text)
        if tag in ("td", "th"):
            self.tables[-1][-1].append((self._cell[0], text, self._cell[1]))
        elif tag == "h2":
            self.h2.append(" ".join(text.split()))
        elif tag == "title":
            self.title = text
        elif tag == "style":
            self.style = text

    def handle_data(self, data):
        self._text.append(data)


def parse_html(text: str) -> SheetParser:
    parser = SheetParser()
    parser.feed(text)
    parser.close()
    assert parser.stack == [], parser.stack   # everything closed
    return parser


def texts(table) -> list[list[str]]:
    return [[text for _, text, _ in row] for row in table]


def test_daysheet_html_is_one_self_contained_document(cli, clinic):
    page = run(cli, "daysheet", "--on", "2026-11-23", "--format", "html")
    assert page.startswith("<!DOCTYPE html>\n")
    doc = parse_html(page)
    assert doc.doctype.lower() == "doctype html"
    assert doc.tags[:3] == ["html", "head", "meta"]
    assert {"charset": "utf-8"} in doc.metas
    assert doc.title == f"{CLINIC}: day sheet for Monday 2026-11-23"
    # print rules: portrait pages, a chair's block never split across pages
    assert "@page" in doc.style and "portrait" in doc.style
    assert "break-inside: avoid" in doc.style and "@media print" in doc.style
    # self-contained: nothing fetched from elsewhere, no script
    assert "script" not in doc.tags and "link" not in doc.tags and "img" not in doc.tags
    assert "<script>" not in page          # the patient's name is escaped...
    assert "O&#x27;Brien &lt;script&gt;, Seán" in page


def test_daysheet_html_tables_one_per_chair(cli, clinic):
    doc = parse_html(run(cli, "daysheet", "--on", "2026-11-23", "--format", "html"))
    assert doc.h2 == ["Chair 1 (2)", "Chair 2 (1)", "Chair 3", "Chair 4",
                      "Consults and assessments, no chair (2)", "Cancelled (2)"]
    assert len(doc.tables) == 6
    head = ["Time", "Patient", "Chart", "Kind", "Status"]
    chair1, chair2, chair3, chair4, no_chair, cancelled = doc.tables
    for table in doc.tables[:5]:
        assert [tag for tag, _, _ in table[0]] == ["th"] * 5
        assert texts(table)[0] == head
    # ...and read back as the very name
    assert texts(chair1)[1:] == [["09:00-10:30", NUNEZ, "C-1001", "infusion", "booked"],
                                 ["11:00-13:00", OBRIEN, "C-1003", "infusion", "booked"]]
    assert texts(chair2)[1:] == [["09:00-10:30", NGUYEN, "C-1002", "infusion", "in chair"]]
    for free in (chair3, chair4):
        assert texts(free)[1:] == [["free all day"]]
        assert free[1][0][2]["colspan"] == "5"
    assert texts(no_chair)[1:] == [["10:00-11:00", LEE, "C-1004", "consult", "arrived"],
                                   ["14:00-14:30", NGUYEN, "C-1002", "assessment", "booked"]]
    assert texts(cancelled)[0] == ["Time", "Patient", "Chart", "Kind", "Chair", "Cancelled",
                                   "Reason"]
    late, flu = texts(cancelled)[1:]
    assert late == ["13:00-14:30", LEE, "C-1004", "infusion", "Chair 3",
                    "Mon 2026-11-23 08:00, late (under 24 h before)", "imported"]
    assert flu[:5] == ["15:00-16:30", LEE, "C-1004", "infusion", "Chair 3"]
    assert flu[5].startswith("Sat 2026-11-21 ") and "late" not in flu[5]
    assert flu[6] == FLU


def test_daysheet_html_closed_and_empty_days(cli, clinic):
    saturday = parse_html(run(cli, "daysheet", "--on", "2026-11-28", "--format", "html"))
    assert saturday.h2 == ["Chair 2 (1)"]
    assert [texts(t)[1:] for t in saturday.tables] == [
        [["09:00-10:30", LEE, "C-1004", "infusion", "booked"]]]
    empty = parse_html(run(cli, "daysheet", "--on", "2026-12-02", "--format", "html"))
    assert empty.h2 == ["Chair 1", "Chair 2", "Chair 3", "Chair 4",
                        "Consults and assessments, no chair"]
    assert [texts(t)[1:] for t in empty.tables] == [[["free all day"]]] * 4 + [[["none"]]]


def test_daysheet_out_writes_the_file(cli, clinic, tmp_path):
    result = cli("daysheet", "--on", "2026-11-23", "--format", "html", "--out", "sheet.html")
    assert result.code == 0, result.err
    assert result.out == ("wrote the HTML day sheet for Monday 2026-11-23 "
                          "(5 appointments, 2 cancelled) to sheet.html\n")
    page = (tmp_path / "sheet.html").read_bytes().decode("utf-8")   # UTF-8
    assert len(parse_html(page).tables) == 6
    assert NUNEZ in page
    text = cli("daysheet", "--on", "2026-11-23", "--out", "sheet.txt")
    assert text.code == 0, text.err
    written = (tmp_path / "sheet.txt").read_text(encoding="utf-8").splitlines()
    printed = run(cli, "daysheet", "--on", "2026-11-23").splitlines()
    # the same sheet, but for the minute it was made (line 3: "Printed ...")
    assert written[2].startswith("Printed 2026-11-21 ")
    assert written[:2] + written[3:] == printed[:2] + printed[3:]


def test_daysheet_out_that_cannot_be_written(cli, clinic, tmp_path):
    missing = cli("daysheet", "--on", "2026-11-23", "--out", "no/such/folder/sheet.txt")
    assert missing.code == 2
    assert one_line_error(missing).startswith("frontdesk: cannot write no/such/folder/sheet.txt")
    folder = cli("daysheet", "--out", str(tmp_path))
    assert folder.code == 2
    assert "cannot write" in one_line_error(folder)
    # never over the database itself
    before = query(clinic, "SELECT COUNT(*) FROM appointment")
    over = cli("daysheet", "--out", str(clinic))
    assert over.code == 2
    assert "is the database itself" in one_line_error(over)
    assert query(clinic, "SELECT COUNT(*) FROM appointment") == before == [(11,)]


@pytest.mark.parametrize("args", [["--on", "2026-02-30"], ["--on", "tomorrow"],
                                  ["--format", "pdf"], ["--on"]])
def test_daysheet_bad_input(cli, clinic, args):
    result = cli("daysheet", *args)
    assert result.code == 2
    one_line_error(result)
    assert result.out == ""


# --- export-ics --------------------------------------------------------------------------------

def events(data: bytes) -> list:
    cal = Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def test_export_ics_day_for_the_staff(clinic, user_dirs, tmp_path):
    result = run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--on", "2026-11-23")
    assert result.returncode == 0, result.stderr
    data = result.stdout
    # CRLF everywhere, and lines folded at 75 octets
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert "frontdesk" in str(cal["PRODID"])
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["X-WR-CALNAME"]) == f"{CLINIC}: Monday 2026-11-23"
    found = events(data)
    # the 5 appointments still on; the 2 cancelled ones left out
    assert [str(e["SUMMARY"]) for e in found] == [
        f"Infusion: {NUNEZ} (C-1001)", f"Infusion: {NGUYEN} (C-1002)",
        f"Consult: {LEE} (C-1004)", f"Infusion: {OBRIEN} (C-1003)",
        f"Assessment: {NGUYEN} (C-1002)"]
    at = lambda h, m=0: dt.datetime(2026, 11, 23, h, m)   # noqa: E731
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in found] == [
        (at(9), at(10, 30)), (at(9), at(10, 30)), (at(10), at(11)), (at(11), at(13)),
        (at(14), at(14, 30))]
    # floating local times: no zone, no Z, no TZID
    assert all(e.decoded("DTSTART").tzinfo is None for e in found)
    assert b"DTSTART:20261123T090000\r\n" in data and b"TZID" not in data
    assert [str(e["LOCATION"]) for e in found] == [
        f"{CLINIC}, Chair 1", f"{CLINIC}, Chair 2", CLINIC, f"{CLINIC}, Chair 1", CLINIC]
    assert {str(e["STATUS"]) for e in found} == {"CONFIRMED"}
    assert all(e.decoded("DTSTAMP").utcoffset() == dt.timedelta(0) for e in found)
    assert "in chair" in str(found[1]["DESCRIPTION"])
    assert len({str(e["UID"]) for e in found}) == 5


def test_export_ics_uids_are_stable_and_name_the_database(clinic, user_dirs, tmp_path):
    first = events(run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--on",
                             "2026-11-23").stdout)
    again = events(run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--on",
                             "2026-11-23").stdout)
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again]
    # the UID holds the appointment's id and the database's creation time
    ids = query(clinic, "SELECT a.id FROM appointment a JOIN patient p ON p.id = a.patient_id "
                        "WHERE p.chart_number = 'C-1001' AND a.start LIKE '2026-11-23%'")
    (created,), = query(clinic, "SELECT value FROM schema_info WHERE key = 'created_at'")
    stamp = created.replace("-", "").replace(":", "")   # 2026-11-21T10:00:00 -> 20261121T100000
    assert str(first[0]["UID"]) == f"appointment-{ids[0][0]}.{stamp}@frontdesk"
    # the same appointment has the same UID in the patient's file
    mine = events(run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--patient",
                            "C-1001").stdout)
    assert str(mine[0]["UID"]) == str(first[0]["UID"])


def test_export_ics_for_a_patient(clinic, user_dirs, tmp_path):
    result = run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--patient", "C-1001")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    data = result.stdout
    found = events(data)
    # from today (2026-11-21) on: 11-23 and 11-30; the 11-16 one is past and the 11-25
    # consult cancelled
    assert [e.decoded("DTSTART") for e in found] == [dt.datetime(2026, 11, 23, 9),
                                                     dt.datetime(2026, 11, 30, 9)]
    assert [e.decoded("DTEND") for e in found] == [dt.datetime(2026, 11, 23, 10, 30),
                                                   dt.datetime(2026, 11, 30, 10, 30)]
    assert {str(e["SUMMARY"]) for e in found} == {f"Ketamine infusion - {CLINIC}"}
    assert {str(e["LOCATION"]) for e in found} == {f"{CLINIC}, Chair 1"}
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == f"{CLINIC}: appointments"
    # nobody else's data: not their names, not their charts (Nguyễn and O'Brien share the day)
    text = data.decode("utf-8")
    for other in ("Nguyễn", "O'Brien", "Lee", "C-1002", "C-1003", "C-1004"):
        assert other not in text
    # --from reaches back: the completed 11-16 infusion too
    earlier = events(run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--patient",
                               "C-1001", "--from", "2026-11-01").stdout)
    assert [e.decoded("DTSTART").date() for e in earlier] == [
        dt.date(2026, 11, 16), dt.date(2026, 11, 23), dt.date(2026, 11, 30)]
    # a name needing escapes comes back as it was
    obrien = events(run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--patient",
                              " C-1003 ").stdout)
    assert [(str(e["SUMMARY"]), e.decoded("DTEND")) for e in obrien] == [
        (f"Ketamine infusion - {CLINIC}", dt.datetime(2026, 11, 23, 13))]


def test_export_ics_patient_with_nothing_booked(cli, clinic, user_dirs, tmp_path):
    result = run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--patient", "C-1002",
                       "--from", "2026-11-24")
    assert result.returncode == 0
    assert events(result.stdout) == []
    cal = Calendar.from_ical(result.stdout)
    assert str(cal["VERSION"]) == "2.0"
    assert result.stderr.decode().strip() == (
        "frontdesk: C-1002 has no appointments from 2026-11-24 on: the calendar has no events")


def test_export_ics_out_writes_the_bytes(cli, clinic, user_dirs, tmp_path):
    result = cli("export-ics", "--on", "2026-11-23", "--out", "day.ics")
    assert result.code == 0, result.err
    assert result.out == "wrote 5 appointments (Monday 2026-11-23) to day.ics\n"
    data = (tmp_path / "day.ics").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")   # binary: CRLF kept, not doubled
    assert len(events(data)) == 5
    stdout = run_bytes(user_dirs, clinic, tmp_path, "export-ics", "--on", "2026-11-23").stdout
    drop_stamp = lambda b: [line for line in b.split(b"\r\n")   # noqa: E731
                            if not line.startswith(b"DTSTAMP")]
    assert drop_stamp(data) == drop_stamp(stdout)
    mine = cli("export-ics", "--patient", "C-1001", "--out", "mine.ics")
    assert mine.out == "wrote 2 appointments (C-1001 from 2026-11-21 on) to mine.ics\n"


@pytest.mark.parametrize("args, says", [
    (["--patient", "C-9999"], "there is no patient with chart number 'C-9999'"),
    (["--on", "2026-11-31"], "2026-11-31"),
    (["--patient", "C-1001", "--from", "1.11.2026"], "1.11.2026"),
    ([], "one of the arguments --on --patient is required"),
    (["--on", "2026-11-23", "--patient", "C-1001"], "not allowed with"),
    (["--on", "2026-11-23", "--from", "2026-11-01"], "--from goes with --patient"),
    (["--on", "2026-11-23", "--out", "no/such/folder/day.ics"], "cannot write"),
])
def test_export_ics_bad_input(cli, clinic, args, says, tmp_path):
    result = cli("export-ics", *args)
    assert result.code == 2
    assert says in one_line_error(result)
    assert result.out == ""
    assert not (tmp_path / "no").exists()


def test_export_ics_empty_day_says_so(cli, clinic, tmp_path):
    result = cli("export-ics", "--on", "2026-12-02", "--out", "empty.ics")
    assert result.code == 0, result.err
    assert one_line_error(result) == (
        "frontdesk: no appointments on Wednesday 2026-12-02: the calendar has no events")
    assert events((tmp_path / "empty.ics").read_bytes()) == []
