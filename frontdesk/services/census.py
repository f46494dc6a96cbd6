"""The daily census of DOMAIN.md: what happened on one day, and where the clinic stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from frontdesk.db import models as m
from frontdesk.db.connection import read_snapshot
from frontdesk.domain.dates import start_of_day, start_of_next_day
from frontdesk.domain.model import ACTIVE_PHASES, SEEN_STATUSES, Kind, Phase, Status
from frontdesk.services import lists
from frontdesk.services.clinic import clinic_settings

A = m.Appointment
_SEEN = [s.value for s in SEEN_STATUSES]


@dataclass(frozen=True)
class Census:
    date: dt.date
    by_status: dict[str, int]
    by_kind: dict[str, int]
    patients_seen: int
    new_patients: int
    no_show_rate: float
    late_cancellations: int
    chair_utilization: float
    active_by_phase: dict[str, int]
    lists: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def rate(numerator: int | float, denominator: int | float) -> float:
    """A fraction in [0, 1] rounded to 4 places; 0.0 when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else 0.0


def _on(day: dt.date):
    return (A.start >= start_of_day(day)) & (A.start < start_of_next_day(day))


def census(day: dt.date) -> Census:
    settings = clinic_settings()
    with read_snapshot():
        by_status = {s.value: 0 for s in Status}
        by_kind = {k.value: 0 for k in Kind}
        late = chair_minutes = 0
        query = (A.select(A.status, A.kind, A.late_cancellation, fn.COUNT(A.id),
                          fn.SUM(A.duration_minutes))
                 .where(_on(day)).group_by(A.status, A.kind, A.late_cancellation))
        for status, kind, late_flag, count, minutes in query.tuples():
            by_status[status] = by_status.get(status, 0) + count
            by_kind[kind] = by_kind.get(kind, 0) + count
            if status == Status.CANCELLED.value:
                late += count if late_flag else 0
            elif kind == Kind.INFUSION.value:  # booked chair-minutes of live infusions
                chair_minutes += int(minutes)

        seen_on_day = A.select(A.patient).where(_on(day), A.status.in_(_SEEN))
        patients_seen = seen_on_day.select(fn.COUNT(A.patient.distinct())).scalar() or 0
        Earlier = A.alias()
        seen_before = Earlier.select().where(Earlier.patient == A.patient,
                                             Earlier.status.in_(_SEEN),
                                             Earlier.start < start_of_day(day))
        new_patients = (seen_on_day.where(~fn.EXISTS(seen_before))
                        .select(fn.COUNT(A.patient.distinct())).scalar() or 0)

        seen_appointments = sum(by_status[s] for s in _SEEN)
        no_shows = by_status[Status.NO_SHOW.value]

        chairs = m.Chair.select().where(m.Chair.active).count()

        phases = dict(m.Patient.select(m.Patient.phase, fn.COUNT(m.Patient.id))
                      .where(m.Patient.phase != Phase.DISCHARGED.value)
                      .group_by(m.Patient.phase).tuples())
        sizes = lists.list_sizes(day)

    return Census(
        date=day, by_status=by_status, by_kind=by_kind,
        patients_seen=patients_seen, new_patients=new_patients,
        no_show_rate=rate(no_shows, no_shows + seen_appointments),
        late_cancellations=late,
        # more booked minutes than chair-hours (bookings outside hours) still reads as full
        chair_utilization=min(1.0, rate(chair_minutes, chairs * settings.open_minutes(day))),
        active_by_phase={p.value: phases.get(p.value, 0) for p in ACTIVE_PHASES},
        lists=sizes,
    )
