"""iCalendar (.ics) files of appointments, for ordinary calendar programs (`frontdesk export-ics`).

Two files: a day's appointments for the staff (patients named), and one patient's coming
appointments to give to that patient (nothing about anyone else). Built with the icalendar
library; the bytes are what `Calendar.to_ical()` gives (CRLF, folded lines).

- Times are the clinic's local time and there is no time-zone setting, so DTSTART/DTEND are
  floating (no TZID, no Z): 09:00 in the file is 09:00 on the reader's wall clock.
- A UID names the appointment and the database it lives in (`schema_info.created_at`), so
  importing a newer export updates the events instead of adding copies, and two clinics'
  appointment 17 stay two events. SEQUENCE follows the appointment's version.
- Cancelled appointments are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from icalendar import Calendar, Event
from peewee import JOIN

from frontdesk import __version__, clock
from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot
from frontdesk.db.queries import agenda_order, from_day, on_day
from frontdesk.domain.errors import NotFound
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import STATUS_WORDS, Kind, Status
from frontdesk.services.clinic import clinic_settings, database_created_at
from frontdesk.db.dialect import as_moment

A = m.Appointment
P = m.Patient

PRODID = f"-//frontdesk//frontdesk {__version__}//EN"
UID_DOMAIN = "frontdesk"

# the staff's word (day export: "Infusion: Núñez, Ana (C-1001)")
STAFF_KIND = {Kind.CONSULT: "Consult", Kind.INFUSION: "Infusion",
              Kind.ASSESSMENT: "Assessment"}
# the patient's word (patient export: "Ketamine infusion - Sunrise Clinic")
PATIENT_KIND = {Kind.CONSULT: "Consultation", Kind.INFUSION: "Ketamine infusion",
                Kind.ASSESSMENT: "Progress assessment"}


@dataclass(frozen=True)
class IcsFile:
    data: bytes          # the whole VCALENDAR, as to_ical() gives it
    events: int          # how many VEVENTs it holds
    name: str            # its X-WR-CALNAME


@dataclass(frozen=True)
class _Appointment:
    id: int
    version: int
    start: dt.datetime
    end: dt.datetime
    kind: Kind
    status: Status
    chair: str | None
    chart: str
    name: str


def _database_stamp() -> str:
    """What tells this database apart from another clinic's: the moment it was created,
    digits only (20261121T215632)."""
    return re.sub(r"[^0-9T]", "", database_created_at()) or "undated"


def appointment_uid(appointment_id: int, database_stamp: str) -> str:
    return f"appointment-{appointment_id}.{database_stamp}@{UID_DOMAIN}"


def _read(where) -> tuple[str, str, list[_Appointment]]:
    """(clinic name, database stamp, appointments not cancelled) from one snapshot."""
    with read_snapshot():
        settings = clinic_settings()
        stamp = _database_stamp()
        rows = list(
            A.select(A.id, A.version, A.start, A.ends_at, A.duration_minutes, A.kind, A.status,
                     m.Chair.name, P.chart_number, P.last_name, P.first_name)
            .join(P).switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
            .where(where, A.status != Status.CANCELLED.value).order_by(*agenda_order())
            .tuples())
    out = []
    for aid, version, start, ends_at, minutes, kind, status, chair, chart, last, first in rows:
        start = as_moment(start)
        end = as_moment(ends_at) if ends_at else start + dt.timedelta(minutes=minutes)
        out.append(_Appointment(aid, version or 1, start, end, Kind(kind), Status(status),
                                chair, chart, display_name(last, first)))
    return settings.name, stamp, out


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _event(a: _Appointment, stamp: str, now_utc: dt.datetime, *, summary: str, location: str,
           description: str, private: bool) -> Event:
    event = Event()
    event.add("uid", appointment_uid(a.id, stamp))
    event.add("dtstamp", now_utc)
    event.add("dtstart", a.start)      # naive: floating local time
    event.add("dtend", a.end)
    event.add("sequence", max(0, a.version - 1))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if private:
        event.add("class", "PRIVATE")
    return event


def _now_utc() -> dt.datetime:
    return clock.now().astimezone(dt.timezone.utc).replace(microsecond=0)


def _where(clinic: str, chair: str | None) -> str:
    return f"{clinic}, {chair}" if chair else clinic


def _minutes(a: _Appointment) -> int:
    return int((a.end - a.start).total_seconds() // 60)


def day_calendar(day: dt.date) -> IcsFile:
    """Every appointment of the day that is not cancelled, for the staff's calendars."""
    clinic, stamp, appointments = _read(
        on_day(day))
    name = f"{clinic}: {day:%A} {day.isoformat()}"
    cal = _calendar(name)
    now = _now_utc()
    for a in appointments:
        chair = f", {a.chair}" if a.chair else ""
        cal.add_component(_event(
            a, stamp, now,
            summary=f"{STAFF_KIND[a.kind]}: {a.name} ({a.chart})",
            location=_where(clinic, a.chair),
            description=(f"{a.name}, chart {a.chart}\n"
                         f"{STAFF_KIND[a.kind]}, {_minutes(a)} minutes{chair}\n"
                         f"Status: {STATUS_WORDS[a.status]}\n"
                         f"Appointment {a.id} in frontdesk"),
            private=True))
    return IcsFile(cal.to_ical(), len(appointments), name)


def patient_calendar(patient_id: int, since: dt.date) -> IcsFile:
    """One patient's appointments from `since` on (not cancelled), to give to the patient:
    their own times, the clinic and the chair; no one else's data."""
    if P.get_or_none(P.id == patient_id) is None:
        raise NotFound("there is no such patient")
    clinic, stamp, appointments = _read((A.patient == patient_id)
                                        & from_day(since))
    name = f"{clinic}: appointments"
    cal = _calendar(name)
    now = _now_utc()
    for a in appointments:
        chair = f" in {a.chair}" if a.chair else ""
        what = PATIENT_KIND[a.kind]
        cal.add_component(_event(
            a, stamp, now,
            summary=f"{what} - {clinic}",
            location=_where(clinic, a.chair),
            description=(f"{what} at {clinic}{chair}, "
                         f"{a.start:%H:%M}-{a.end:%H:%M} ({_minutes(a)} minutes).\n"
                         f"Your chart number: {a.chart}"),
            private=False))
    return IcsFile(cal.to_ical(), len(appointments), name)
