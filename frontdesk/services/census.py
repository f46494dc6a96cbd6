"""The daily census of DOMAIN.md: what happened on one day, and where the clinic stands; and
the same day figures over a range (trends, the week view, CSV exports), counted in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from peewee import SQL, fn

from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.db.connection import read_snapshot
from frontdesk.db.dialect import as_day, day_of
from frontdesk.domain.model import (ACTIVE_PHASES, SEEN_STATUSES, Kind, Phase, Status,
                                    uses_chair_time)
from frontdesk.services import lists
from frontdesk.services.clinic import clinic_settings

A = m.Appointment
_SEEN = [s.value for s in SEEN_STATUSES]
TREND_DAYS = 30
TREND_WEEKS = 12
MAX_RANGE_DAYS = 366  # one row per day: a year is the longest range asked for at once


def rate(numerator: int | float, denominator: int | float) -> float:
    """A fraction in [0, 1] rounded to 4 places; 0.0 when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else 0.0


def utilization(chair_minutes: int, capacity_minutes: int) -> float:
    # more booked minutes than chair-hours (bookings outside hours) still reads as full
    return min(1.0, rate(chair_minutes, capacity_minutes))


@dataclass(frozen=True)
class Figures:
    """What happened from `first` to `last` inclusive (one day when they are equal).

    Over several days the counts add up: `patients_seen` is then patient-days (each day's
    distinct patients, summed) and `new_patients` stays distinct (a first visit ever happens on
    one day only)."""
    first: dt.date
    last: dt.date
    by_status: dict[str, int]
    by_kind: dict[str, int]
    patients_seen: int
    new_patients: int
    late_cancellations: int
    chair_minutes: int      # booked minutes of non-cancelled infusions
    capacity_minutes: int   # active chairs x open minutes
    open_days: int
    # the booked minutes that count against capacity: each day's, up to that day's capacity
    # (a booking on a closed day, or beyond the chairs' hours, does not lift a week's use)
    used_minutes: int = -1

    def __post_init__(self):
        if self.used_minutes < 0:  # one day
            object.__setattr__(self, "used_minutes",
                               min(self.chair_minutes, self.capacity_minutes))

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def no_shows(self) -> int:
        return self.by_status[Status.NO_SHOW.value]

    @property
    def seen_appointments(self) -> int:
        return sum(self.by_status[s] for s in _SEEN)

    @property
    def no_show_rate(self) -> float:
        return rate(self.no_shows, self.no_shows + self.seen_appointments)

    @property
    def chair_utilization(self) -> float:
        return utilization(self.used_minutes, self.capacity_minutes)


def combine(days: Sequence[Figures]) -> Figures:
    """Several consecutive periods as one (weeks out of days)."""
    return Figures(
        first=days[0].first, last=days[-1].last,
        by_status={s: sum(d.by_status[s] for d in days) for s in days[0].by_status},
        by_kind={k: sum(d.by_kind[k] for d in days) for k in days[0].by_kind},
        patients_seen=sum(d.patients_seen for d in days),
        new_patients=sum(d.new_patients for d in days),
        late_cancellations=sum(d.late_cancellations for d in days),
        chair_minutes=sum(d.chair_minutes for d in days),
        capacity_minutes=sum(d.capacity_minutes for d in days),
        open_days=sum(d.open_days for d in days),
        used_minutes=sum(d.used_minutes for d in days))


@dataclass(frozen=True)
class ChairUse:
    chair: str
    booked_minutes: int
    open_minutes: int
    active: bool = True  # a retired chair with bookings that day is listed, not counted

    @property
    def utilization(self) -> float:
        return utilization(self.booked_minutes, self.open_minutes)


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
    chairs: tuple[ChairUse, ...] = field(default=())
    chair_minutes: int = 0
    capacity_minutes: int = 0
    open_minutes: int = 0  # the day's opening hours, in minutes (0: closed)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def no_shows(self) -> int:
        return self.by_status[Status.NO_SHOW.value]


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _active_chairs() -> int:
    return m.Chair.select().where(m.Chair.active).count()


def daily_figures(first: dt.date, last: dt.date, *, new_patients: bool = True) -> list[Figures]:
    """One Figures per day, first..last inclusive, from a few grouped queries (never a query
    per day). `new_patients=False` skips the one costly count (trends do not show it)."""
    if last < first:
        raise ValueError("last before first")
    settings = clinic_settings()
    with read_snapshot():
        chairs = _active_chairs()
        day = day_of(A.start)
        by_status = {d: {s.value: 0 for s in Status} for d in days_between(first, last)}
        by_kind = {d: {k.value: 0 for k in Kind} for d in by_status}
        late = dict.fromkeys(by_status, 0)
        minutes = dict.fromkeys(by_status, 0)
        query = (A.select(day, A.status, A.kind, A.late_cancellation, fn.COUNT(A.id),
                          fn.SUM(A.duration_minutes))
                 .where(q.in_days(first, last))
                 .group_by(day, A.status, A.kind, A.late_cancellation))
        for when, status, kind, late_flag, count, total_minutes in query.tuples():
            d = as_day(when)
            by_status[d][status] = by_status[d].get(status, 0) + count
            by_kind[d][kind] = by_kind[d].get(kind, 0) + count
            if status == Status.CANCELLED.value:
                late[d] += count if late_flag else 0
            if uses_chair_time(kind, status):  # booked chair-minutes
                minutes[d] += int(total_minutes)

        seen = (A.select(day, fn.COUNT(A.patient.distinct()))
                .where(q.in_days(first, last), q.seen()).group_by(day))
        seen_per_day = {as_day(when): n for when, n in seen.tuples()}
        new_per_day = _new_patients_per_day(first, last) if new_patients else {}

    return [Figures(first=d, last=d, by_status=by_status[d], by_kind=by_kind[d],
                    patients_seen=seen_per_day.get(d, 0), new_patients=new_per_day.get(d, 0),
                    late_cancellations=late[d], chair_minutes=minutes[d],
                    capacity_minutes=chairs * settings.open_minutes(d),
                    open_days=int(settings.is_open_on(d)))
            for d in by_status]


def _new_patients_per_day(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Patients whose first day ever seen falls on each day."""
    day = day_of(A.start)
    Earlier = A.alias()
    # an earlier seen visit: before the start of this one's day (the index on patient, start)
    seen_before = Earlier.select().where(Earlier.patient == A.patient,
                                         Earlier.status.in_(_SEEN),
                                         Earlier.start < day)
    query = (A.select(day, fn.COUNT(A.patient.distinct()))
             .where(q.in_days(first, last), q.seen(), ~fn.EXISTS(seen_before))
             .group_by(day))
    return {as_day(when): n for when, n in query.tuples()}


NO_CHAIR = "no chair"  # the name ChairUse gives infusions booked without a chair


def _booked_chair_minutes(first: dt.date, last: dt.date) -> dict[int | None, int]:
    """Minutes of non-cancelled infusions first..last, by chair id (None: no chair)."""
    query = (A.select(A.chair, fn.SUM(A.duration_minutes))
             .where(q.in_days(first, last), q.uses_chair_time())
             .group_by(A.chair))
    return {chair: int(minutes or 0) for chair, minutes in query.tuples() if minutes}


def _listed_chairs(booked: dict[int | None, int]) -> list[tuple[int | None, str, bool]]:
    """(id, name, active) of the chairs a census lists: every active chair in chair order,
    retired ones only when they hold minutes, and NO_CHAIR last when infusions lack a chair."""
    chairs = (m.Chair.select(m.Chair.id, m.Chair.name, m.Chair.active)
              .order_by(m.Chair.position, m.Chair.name).tuples())
    listed = [(cid, name, bool(active)) for cid, name, active in chairs
              if active or cid in booked]
    if None in booked:
        listed.append((None, NO_CHAIR, False))
    return listed


def chair_use(day: dt.date, open_minutes: int | None = None) -> list[ChairUse]:
    """Each listed chair's booked infusion minutes on the day (see _listed_chairs)."""
    if open_minutes is None:
        open_minutes = clinic_settings().open_minutes(day)
    with read_snapshot():
        booked = _booked_chair_minutes(day, day)
        listed = _listed_chairs(booked)
    return [ChairUse(name, booked.get(cid, 0), open_minutes, active=active)
            for cid, name, active in listed]


def chairs_listed(first: dt.date, last: dt.date) -> list[str]:
    """Every chair name some day first..last lists in `Census.chairs`, in the same order
    (asked once for a range, so a CSV header can be written before any day is counted)."""
    with read_snapshot():
        return [name for _, name, _ in _listed_chairs(_booked_chair_minutes(first, last))]


def active_by_phase(day: dt.date) -> dict[str, int]:
    """Patients in each active phase as of the end of `day` (DOMAIN.md "as of D"): registered
    by then, in the phase the history says; grouped in SQL."""
    phase, _ = lists.phase_as_of(day)
    P = m.Patient
    standing = P.select(phase.alias("phase")).where(q.registered_by(day)).alias("standing")
    counted = (P.select(standing.c.phase, fn.COUNT(SQL("*"))).from_(standing)
               .where(standing.c.phase != Phase.DISCHARGED.value)
               .group_by(standing.c.phase).tuples())
    phases = dict(counted)
    return {p.value: phases.get(p.value, 0) for p in ACTIVE_PHASES}


def _census(figures: Figures, active_by_phase: dict[str, int], open_minutes: int) -> Census:
    day = figures.first
    return Census(
        date=day, by_status=figures.by_status, by_kind=figures.by_kind,
        patients_seen=figures.patients_seen, new_patients=figures.new_patients,
        no_show_rate=figures.no_show_rate,
        late_cancellations=figures.late_cancellations,
        chair_utilization=figures.chair_utilization,
        active_by_phase=active_by_phase, lists=lists.list_sizes(day),
        chairs=tuple(chair_use(day, open_minutes)),
        chair_minutes=figures.chair_minutes, capacity_minutes=figures.capacity_minutes,
        open_minutes=open_minutes,
    )


def census(day: dt.date) -> Census:
    (figures,) = daily_figures(day, day)
    open_minutes = clinic_settings().open_minutes(day)
    with read_snapshot():
        return _census(figures, active_by_phase(day), open_minutes)


def census_range(first: dt.date, last: dt.date) -> Iterator[Census]:
    """The census of each day first..last, as `census(day)` gives it, one at a time: the day
    figures of the whole range are counted at once; each day's phases and lists as of that
    day."""
    settings = clinic_settings()
    for figures in daily_figures(first, last):
        day = figures.first
        with read_snapshot():
            day_census = _census(figures, active_by_phase(day), settings.open_minutes(day))
        yield day_census


def trend(day: dt.date, days: int = TREND_DAYS) -> list[Figures]:
    """The `days` days ending on `day` (it included), one Figures each."""
    return daily_figures(day - dt.timedelta(days=days - 1), day, new_patients=False)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_figures(day: dt.date) -> list[Figures]:
    """Monday to Sunday of the week holding `day`."""
    return daily_figures(*week_of(day))


def weekly_trend(day: dt.date, weeks: int = TREND_WEEKS) -> list[Figures]:
    """The `weeks` Monday-to-Sunday weeks ending with the one holding `day`, one Figures each."""
    _, sunday = week_of(day)
    first = sunday - dt.timedelta(days=7 * weeks - 1)
    daily = daily_figures(first, sunday, new_patients=False)
    return [combine(daily[i:i + 7]) for i in range(0, len(daily), 7)]
