"""The calendar pane: how many appointments each day of a month holds, and a day's agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Select, ValuesList, fn

from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot
from frontdesk.db.dialect import as_day, as_moment
from frontdesk.db.queries import agenda_order, on_day
from frontdesk.domain.dates import start_of_day, start_of_next_day
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import Kind, Status

A = m.Appointment
P = m.Patient


@dataclass(frozen=True)
class AgendaLine:
    id: int
    start: dt.datetime
    duration_minutes: int
    chair: str | None
    patient_id: int
    chart: str
    name: str
    kind: Kind
    status: Status


#: Days counted by one statement (two parameters a day: within any SQLite's 999).
DAYS_PER_QUERY = 366


def day_counts(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Appointments that are still on (not cancelled) per day, first..last inclusive;
    days without any are left out.

    Each day is counted on its own range of the start index (the days are a list of values
    the count walks): grouping by the day of the start would compute a date for every
    appointment of the range and sort them all (at 100,000 patients a month grid holds
    160,000)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    counts: dict[dt.date, int] = {}
    with read_snapshot():
        for at in range(0, len(days), DAYS_PER_QUERY):
            chunk = days[at:at + DAYS_PER_QUERY]
            bounds = ValuesList([(start_of_day(day), start_of_next_day(day)) for day in chunk]
                                ).cte("days", columns=("first", "next"))
            count = (A.select(fn.COUNT(SQL("*")))
                     .where(A.start >= bounds.c.first, A.start < bounds.c.next,
                            A.status != Status.CANCELLED.value))
            query = Select(from_list=[bounds], columns=[bounds.c.first, count]).with_cte(bounds)
            counts.update((as_day(day), n) for day, n in m.database.execute(query) if n)
    return counts


_KINDS = {k.value: k for k in Kind}
_STATUSES = {s.value: s for s in Status}


def day_agenda(day: dt.date) -> list[AgendaLine]:
    """Every appointment of the day, cancelled ones included, by start then chair."""
    query = (A.select(A.id, A.start, A.duration_minutes, m.Chair.name, P.id, P.chart_number,
                      P.last_name, P.first_name, A.kind, A.status)
             .join(P).switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
             .where(on_day(day)).order_by(*agenda_order()))
    # read from the cursor, the lines built with their fields in order: thousands of lines
    # a day at a chain's scale, and a peewee row or a keyword call each cost more than the
    # query
    rows = m.database.execute(query).fetchall()
    return [AgendaLine(aid, as_moment(start), minutes, chair, pid, chart,
                       display_name(last, first), _KINDS[kind], _STATUSES[status])
            for aid, start, minutes, chair, pid, chart, last, first, kind, status in rows]
