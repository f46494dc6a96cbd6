"""iCalendar files (services.ics_export), parsed back with icalendar on hand-built days."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from icalendar import Calendar

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db.connection import write_transaction
from frontdesk.domain.errors import NotFound
from frontdesk.domain.model import Kind, Status
from frontdesk.domain.validation import name_key
from frontdesk.services.ics_export import day_calendar, patient_calendar

D = dt.date
MONDAY = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 1, 12, 0)
CREATED = "2026-11-01T12:00:00"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


@pytest.fixture
def clinic(db_path):
    """Two patients; the database's creation time pinned so UIDs can be written out."""
    with write_transaction():
        (m.SchemaInfo.update(value=CREATED).where(m.SchemaInfo.key == "created_at").execute())
        insert_rows(m.Patient, ["chart_number", "first_name", "last_name", "search_key",
                                "date_of_birth", "phone", "phase", "phase_since",
                                "registered_on", "created_at", "updated_at"],
                    [(chart, first, last, name_key(first, last), D(1980, 1, 1), "+16502530000",
                      "maintenance", D(2026, 1, 1), D(2026, 1, 1), NOW, NOW)
                     for chart, first, last in (("C-1", "Ana", "Núñez"),
                                                ("C-2", "Bo", "Berg; Lund, Jr."))])
    return dict(m.Patient.select(m.Patient.chart_number, m.Patient.id).tuples())


def add(pid: int, start: dt.datetime, kind: Kind, status: Status, chair: str | None,
        minutes: int = 90) -> int:
    with write_transaction():
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": NOW})[0].id
        chair_id = m.Chair.get(m.Chair.name == chair).id if chair else None
        return m.Appointment.insert(
            patient=pid, kind=kind.value, start=start, duration_minutes=minutes,
            ends_at=start + dt.timedelta(minutes=minutes), chair=chair_id, status=status.value,
            status_at=NOW, status_by=staff, booked_at=NOW, booked_by=staff).execute()


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_day_calendar(clinic):
    a1 = add(clinic["C-1"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 2")
    a2 = add(clinic["C-2"], at(MONDAY, 8, 15), Kind.ASSESSMENT, Status.COMPLETED, None, 30)
    add(clinic["C-2"], at(MONDAY, 13), Kind.INFUSION, Status.CANCELLED, "Chair 1")
    add(clinic["C-1"], at(MONDAY + dt.timedelta(days=1), 9), Kind.INFUSION, Status.BOOKED,
        "Chair 1")
    exported = day_calendar(MONDAY)
    assert (exported.events, exported.name) == (2, "Ketamine Clinic: Monday 2026-11-23")
    cal = Calendar.from_ical(exported.data)
    assert (str(cal["VERSION"]), str(cal["CALSCALE"])) == ("2.0", "GREGORIAN")
    assert str(cal["PRODID"]).startswith("-//frontdesk//")
    first, second = events(exported.data)
    # by start: the 08:15 assessment, then the 09:00 infusion; the cancelled one left out
    assert str(first["UID"]) == f"appointment-{a2}.20261101T120000@frontdesk"
    assert str(second["UID"]) == f"appointment-{a1}.20261101T120000@frontdesk"
    assert (first.decoded("DTSTART"), first.decoded("DTEND")) == (at(MONDAY, 8, 15),
                                                                  at(MONDAY, 8, 45))
    assert (second.decoded("DTSTART"), second.decoded("DTEND")) == (at(MONDAY, 9),
                                                                    at(MONDAY, 10, 30))
    # commas and semicolons in a name survive the escaping
    assert str(first["SUMMARY"]) == "Assessment: Berg; Lund, Jr., Bo (C-2)"
    assert str(second["SUMMARY"]) == "Infusion: Núñez, Ana (C-1)"
    assert str(second["LOCATION"]) == "Ketamine Clinic, Chair 2"
    assert str(first["LOCATION"]) == "Ketamine Clinic"
    assert str(second["DESCRIPTION"]).splitlines()[:3] == [
        "Núñez, Ana, chart C-1", "Infusion, 90 minutes, Chair 2", "Status: booked"]
    assert str(first["DESCRIPTION"]).splitlines()[2] == "Status: completed"
    assert (str(first["STATUS"]), str(first["CLASS"])) == ("CONFIRMED", "PRIVATE")
    assert b"\r\n" in exported.data and b"\n" not in exported.data.replace(b"\r\n", b"")


def test_sequence_follows_the_appointments_version(clinic):
    aid = add(clinic["C-1"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 2")
    (event,) = events(day_calendar(MONDAY).data)
    assert event.decoded("SEQUENCE") == 0             # version 1
    with write_transaction():
        m.Appointment.update(version=3).where(m.Appointment.id == aid).execute()
    (event,) = events(day_calendar(MONDAY).data)
    assert event.decoded("SEQUENCE") == 2


def test_another_database_gives_other_uids(clinic):
    aid = add(clinic["C-1"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 2")
    before = str(events(day_calendar(MONDAY).data)[0]["UID"])
    with write_transaction():
        (m.SchemaInfo.update(value="2026-11-02T08:30:05")
         .where(m.SchemaInfo.key == "created_at").execute())
    after = str(events(day_calendar(MONDAY).data)[0]["UID"])
    assert before == f"appointment-{aid}.20261101T120000@frontdesk"
    assert after == f"appointment-{aid}.20261102T083005@frontdesk"


def test_dtstamp_is_utc_and_times_are_floating(clinic, monkeypatch):
    add(clinic["C-1"], at(MONDAY, 23, 30), Kind.INFUSION, Status.BOOKED, "Chair 2")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        clock.set_now(dt.datetime(2026, 11, 21, 10, 0))   # 10:00 EST is 15:00 UTC
        data = day_calendar(MONDAY).data
    finally:
        monkeypatch.undo()
        time.tzset()
    (event,) = events(data)
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.timezone.utc)
    assert b"DTSTAMP:20261121T150000Z\r\n" in data
    # 23:30 + 90 minutes ends the next day, still floating
    assert b"DTSTART:20261123T233000\r\n" in data and b"DTEND:20261124T010000\r\n" in data
    assert event.decoded("DTEND").tzinfo is None


def test_patient_calendar_only_theirs_from_the_day_on(clinic):
    add(clinic["C-1"], at(D(2026, 11, 20), 23, 59), Kind.ASSESSMENT, Status.COMPLETED, None, 5)
    first = add(clinic["C-1"], at(D(2026, 11, 21), 0, 0), Kind.CONSULT, Status.BOOKED, None, 60)
    add(clinic["C-1"], at(MONDAY, 9), Kind.INFUSION, Status.CANCELLED, "Chair 1")
    second = add(clinic["C-1"], at(MONDAY, 11), Kind.INFUSION, Status.BOOKED, "Chair 3")
    add(clinic["C-2"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 2")
    exported = patient_calendar(clinic["C-1"], D(2026, 11, 21))
    assert (exported.events, exported.name) == (2, "Ketamine Clinic: appointments")
    found = events(exported.data)
    # 11-21 00:00 is on the first day; 11-20 23:59 is not; the cancelled one is left out
    assert [str(e["UID"]) for e in found] == [
        f"appointment-{first}.20261101T120000@frontdesk",
        f"appointment-{second}.20261101T120000@frontdesk"]
    assert [str(e["SUMMARY"]) for e in found] == ["Consultation - Ketamine Clinic",
                                                 "Ketamine infusion - Ketamine Clinic"]
    assert [str(e["LOCATION"]) for e in found] == ["Ketamine Clinic",
                                                  "Ketamine Clinic, Chair 3"]
    assert str(found[1]["DESCRIPTION"]) == (
        "Ketamine infusion at Ketamine Clinic in Chair 3, 11:00-12:30 (90 minutes).\n"
        "Your chart number: C-1")
    assert "CLASS" not in found[1]
    text = exported.data.decode("utf-8")
    assert "Berg" not in text and "C-2" not in text


def test_patient_with_nothing_and_unknown_patient(clinic):
    empty = patient_calendar(clinic["C-2"], D(2026, 11, 21))
    assert empty.events == 0
    cal = Calendar.from_ical(empty.data)
    assert list(cal.walk("VEVENT")) == []
    assert str(cal["VERSION"]) == "2.0"
    with pytest.raises(NotFound):
        patient_calendar(999_999, D(2026, 11, 21))
