"""The calendar pane: how many appointments each day of a month holds, and a day's agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from frontdesk.db import models as m
from frontdesk.db.dialect import as_day, as_moment, day_of
from frontdesk.db.queries import agenda_order, in_days, on_day
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


def day_counts(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Appointments that are still on (not cancelled) per day, first..last inclusive;
    days without any are left out."""
    day = day_of(A.start)
    query = (A.select(day, fn.COUNT(A.id))
             .where(in_days(first, last), A.status != Status.CANCELLED.value)
             .group_by(day).tuples())
    return {as_day(when): n for when, n in query}


def day_agenda(day: dt.date) -> list[AgendaLine]:
    """Every appointment of the day, cancelled ones included, by start then chair."""
    query = (A.select(A.id, A.start, A.duration_minutes, m.Chair.name, P.id, P.chart_number,
                      P.last_name, P.first_name, A.kind, A.status)
             .join(P).switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
             .where(on_day(day)).order_by(*agenda_order()).tuples())
    return [AgendaLine(id=aid, start=as_moment(start), duration_minutes=minutes, chair=chair,
                       patient_id=pid, chart=chart, name=display_name(last, first),
                       kind=Kind(kind), status=Status(status))
            for aid, start, minutes, chair, pid, chart, last, first, kind, status in query]
