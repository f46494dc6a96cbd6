"""The daily census of DOMAIN.md: what happened on one day, and where the clinic stands; and
the same day figures over a range (trends, the week view, CSV exports), counted in SQL.

Where the clinic stands at the end of each day of a range (active patients by phase, the
three list sizes) is counted for a stretch of up to a month at once, not day by day: the
database answers per patient the few days that matter (registered, last seen before the
stretch, first seen in it, last and next completed infusion, last booked), Python counts the
same answers together and spreads each over the days it counts on, and one pass over the
phase changes after the stretch's first day puts right the patients whose phase differs from
the stored one on some days (the phase counts for all of them; the few whose lists it changes
one by one). A stretch of one day (census(day)) is each list's own count of the day
(services.lists). The tests hold a range to the census of each of its days, to
services.lists and to the pure rules of domain.lists on generated clinics.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Callable, Iterable, Iterator, Sequence

from peewee import SQL, Case, Select, ValuesList, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.db.connection import read_snapshot
from frontdesk.db.dialect import as_day, day_of
from frontdesk.domain import lists as rules
from frontdesk.domain.dates import latest_start_reaching, start_of_day, start_of_next_day
from frontdesk.domain.model import (ACTIVE_PHASES, DUE_WINDOW_DAYS,
                                    MAINTENANCE_INTERVAL_RANGE, SEEN_STATUSES, Kind, Phase,
                                    Status, uses_chair_time)
from frontdesk.domain.phases import DayChange, phase_timeline
from frontdesk.services import lists
from frontdesk.services.clinic import clinic_settings

A = m.Appointment
P = m.Patient
C = m.PhaseChange
_SEEN = [s.value for s in SEEN_STATUSES]
TREND_DAYS = 30
TREND_WEEKS = 12
MAX_RANGE_DAYS = 366  # one row per day: a year is the longest range asked for at once
LIST_NAMES = ("mid_stabilization", "due_for_maintenance", "not_seen_over_a_month")


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


def _rows(query) -> list[tuple]:
    """The query's rows as the driver gives them (no row objects: some are thousands)."""
    return m.database.execute(query).fetchall()


def _day_reader() -> Callable[[object], dt.date | None]:
    """as_day for many values: SQLite gives the same day's text again and again."""
    days: dict[object, dt.date] = {}

    def day(value):
        if value is None:
            return None
        found = days.get(value)
        if found is None:
            found = days[value] = as_day(value)
        return found
    return day


# --- what happened on each day ----------------------------------------------------------------

def daily_figures(first: dt.date, last: dt.date, *, new_patients: bool = True) -> list[Figures]:
    """One Figures per day, first..last inclusive, from a few grouped queries (never a query
    per day). `new_patients=False` skips that count (trends do not show it)."""
    if last < first:
        raise ValueError("last before first")
    settings = clinic_settings()
    with read_snapshot():
        return _daily_figures(first, last, settings, new_patients=new_patients)


def _daily_figures(first: dt.date, last: dt.date, settings, *, new_patients: bool,
                   new_per_day: dict[dt.date, int] | None = None) -> list[Figures]:
    chairs = _active_chairs()
    by_status = {d: {s.value: 0 for s in Status} for d in days_between(first, last)}
    by_kind = {d: {k.value: 0 for k in Kind} for d in by_status}
    late = dict.fromkeys(by_status, 0)
    minutes = dict.fromkeys(by_status, 0)
    # grouped by start first, the day index's own order: the index alone answers, without
    # sorting a month of appointments by day; Python adds each start's counts to its day
    query = (A.select(A.start, A.status, A.kind, A.late_cancellation, fn.COUNT(SQL("*")),
                      fn.SUM(A.duration_minutes))
             .where(q.in_days(first, last))
             .group_by(A.start, A.status, A.kind, A.late_cancellation))
    day = _day_reader()
    for start, status, kind, late_flag, count, total_minutes in _rows(query):
        d = day(start)
        by_status[d][status] = by_status[d].get(status, 0) + count
        by_kind[d][kind] = by_kind[d].get(kind, 0) + count
        if status == Status.CANCELLED.value and late_flag:
            late[d] += count
        if uses_chair_time(kind, status):  # booked chair-minutes
            minutes[d] += int(total_minutes)
    seen_per_day = _patients_seen_per_day(first, last)
    if new_per_day is None:
        new_per_day = _new_patients_per_day(first, last) if new_patients else {}
    return [Figures(first=d, last=d, by_status=by_status[d], by_kind=by_kind[d],
                    patients_seen=seen_per_day.get(d, 0), new_patients=new_per_day.get(d, 0),
                    late_cancellations=late[d], chair_minutes=minutes[d],
                    capacity_minutes=chairs * settings.open_minutes(d),
                    open_days=int(settings.is_open_on(d)))
            for d in by_status]


def _patients_seen_per_day(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Distinct patients seen on each day: a calendar of the days, each counting its own
    appointments (one small distinct count a day instead of sorting the range by day)."""
    calendar = ValuesList([(d, start_of_day(d), start_of_next_day(d))
                           for d in days_between(first, last)]
                          ).cte("calendar", columns=("day", "starts", "ends"))
    seen = (A.select(fn.COUNT(A.patient.distinct()))
            .where(A.start >= calendar.c.starts, A.start < calendar.c.ends, q.seen()))
    day = _day_reader()
    query = Select((calendar,), (calendar.c.day, seen)).with_cte(calendar)
    return {day(d): n for d, n in _rows(query)}


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
    return {chair: int(minutes) for chair, minutes in _rows(query) if minutes}


def _booked_chair_minutes_per_day(first: dt.date, last: dt.date
                                  ) -> dict[dt.date, dict[int | None, int]]:
    """_booked_chair_minutes of each day first..last, from one grouped query."""
    query = (A.select(A.chair, day_of(A.start), fn.SUM(A.duration_minutes))
             .where(q.in_days(first, last), q.uses_chair_time())
             .group_by(A.chair, day_of(A.start)))
    per_day: dict[dt.date, dict[int | None, int]] = {d: {} for d in days_between(first, last)}
    day = _day_reader()
    for chair, when, minutes in _rows(query):
        if minutes:
            per_day[day(when)][chair] = int(minutes)
    return per_day


def _chairs_in_order() -> list[tuple[int, str, bool]]:
    return [(cid, name, bool(active)) for cid, name, active in
            _rows(m.Chair.select(m.Chair.id, m.Chair.name, m.Chair.active)
                  .order_by(m.Chair.position, m.Chair.name))]


def _listed_chairs(booked: dict[int | None, int], chairs: list[tuple[int, str, bool]] | None
                   = None) -> list[tuple[int | None, str, bool]]:
    """(id, name, active) of the chairs a census lists: every active chair in chair order,
    retired ones only when they hold minutes, and NO_CHAIR last when infusions lack a chair."""
    chairs = _chairs_in_order() if chairs is None else chairs
    listed = [(cid, name, active) for cid, name, active in chairs if active or cid in booked]
    if None in booked:
        listed.append((None, NO_CHAIR, False))
    return listed


def _chair_uses(booked: dict[int | None, int], open_minutes: int,
                chairs: list[tuple[int, str, bool]] | None = None) -> list[ChairUse]:
    return [ChairUse(name, booked.get(cid, 0), open_minutes, active=active)
            for cid, name, active in _listed_chairs(booked, chairs)]


def chair_use(day: dt.date, open_minutes: int | None = None) -> list[ChairUse]:
    """Each listed chair's booked infusion minutes on the day (see _listed_chairs)."""
    if open_minutes is None:
        open_minutes = clinic_settings().open_minutes(day)
    with read_snapshot():
        return _chair_uses(_booked_chair_minutes(day, day), open_minutes)


def chairs_listed(first: dt.date, last: dt.date) -> list[str]:
    """Every chair name some day first..last lists in `Census.chairs`, in the same order
    (asked once for a range, so a CSV header can be written before any day is counted)."""
    with read_snapshot():
        return [name for _, name, _ in _listed_chairs(_booked_chair_minutes(first, last))]


# --- where the clinic stands at the end of each day -------------------------------------------

@dataclass(frozen=True)
class Standing:
    """Where the clinic stands at the end of a day (DOMAIN.md "as of D"): active patients by
    phase, and the sizes of the three lists."""
    active_by_phase: dict[str, int]
    lists: dict[str, int]


#: A stretch counted at once ends by the day whose month-before cutoff reaches its first day
#: (see _Stretch); a month of days at most, and never more than this.
LONGEST_STRETCH_DAYS = 42
#: A completed infusion makes no one due for maintenance for this many days after it: the
#: shortest interval (one calendar month, at least 28 days) less the 7-day due window.
NOT_DUE_AFTER_INFUSION_DAYS = 28 - DUE_WINDOW_DAYS


def stretches(first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """first..last cut into runs of days each counted at once: a run ends before the first
    day whose not-seen cutoff (a calendar month back) is after the run's first day, so a
    patient seen during the run stays seen to its end."""
    start = first
    while start <= last:
        end = start
        while (end < last and (end - start).days + 1 < LONGEST_STRETCH_DAYS
               and rules.not_seen_cutoff(end + dt.timedelta(days=1)) <= start):
            end += dt.timedelta(days=1)
        yield start, end
        start = end + dt.timedelta(days=1)


class _PerDay:
    """A count for each day of a stretch, added a run of days at a time (by day index)."""

    def __init__(self, days: int) -> None:
        self.days = days
        self._steps = [0] * (days + 1)

    def add(self, begin: int, end: int, count: int) -> None:
        """`count` more on each day begin..end (indexes, clipped to the stretch)."""
        if begin < 0:
            begin = 0
        if end >= self.days:
            end = self.days - 1
        if begin <= end:
            self._steps[begin] += count
            self._steps[end + 1] -= count

    def totals(self) -> list[int]:
        out, running = [], 0
        for step in self._steps[:-1]:
            running += step
            out.append(running)
        return out


@dataclass
class _Changed:
    """A patient whose phase history changes after the end of the stretch's first day, so
    that its phase may differ from the stored one the grouped counts assume on some days."""
    patient: int
    registered: int  # the day index it counts from (negative: before the stretch)
    stored: str
    stored_since: object  # as SQL gives it
    changes: list[tuple]  # (at, from, to, from_since) as SQL gives them, in time order
    # day indexes begin..end, the phase on them, and whether a change says so (else the
    # stored columns do)
    runs: list[tuple[int, int, str, bool]]


def phase_runs(changes: Iterable[tuple[int, str]], stored: str, history_end: int,
               days: int) -> list[tuple[int, int, str, bool]]:
    """The phase on each day of a stretch as runs (begin, end, phase, from a change) of day
    indexes: domain.phases.phase_timeline's phases, without phase_since (which needs more of
    the history: read for the few patients that need it). `changes` are (day index,
    from-or-to phase) of the changes after the end of the first day, in time order; the
    history answers up to `history_end` (yesterday, or the last day), the stored phase after
    it (services.lists.phase_as_of)."""
    runs, begin = [], 0
    for changed_on, phase in changes:
        if changed_on > begin:  # the first change of a later day: the phase of the days before
            end = changed_on - 1 if changed_on <= history_end else history_end
            if begin <= end:
                runs.append((begin, end, phase, True))
            begin = changed_on
            if begin > history_end:
                break
    if begin <= history_end:
        runs.append((begin, history_end, stored, False))
    if history_end < days - 1:
        runs.append((max(0, history_end + 1), days - 1, stored, False))
    return runs


class _Stretch:
    """The standing of each day first..last (one of `stretches`), counted at once."""

    def __init__(self, first: dt.date, last: dt.date, today: dt.date) -> None:
        self.first, self.last, self.today = first, last, today
        self.n = (last - first).days + 1
        days = days_between(first, last)
        self.cutoffs = [rules.not_seen_cutoff(d) for d in days]    # never decreasing
        self.window_ends = [rules.due_window_end(d) for d in days]  # nor these
        self.history_end = (min(last, today - dt.timedelta(days=1)) - first).days
        self._index: dict[object, int] = {}
        self._comes_due: dict[object, int] = {}

    def at(self, value, default: int) -> int:
        """The day index of a day or moment as SQL gives it (text on SQLite); `default` for
        None."""
        if value is None:
            return default
        if type(value) is str:
            value = value[:10]
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = (as_day(value) - self.first).days
        return found

    def day(self, value) -> dt.date | None:
        return None if value is None else self.first + dt.timedelta(days=self.at(value, 0))

    # -- the phase history ----------------------------------------------------------------------
    #
    # A patient with no phase change after the end of the first day has its stored phase on
    # every day of the stretch (domain.phases.phase_in_history). The grouped counts assume
    # that of everyone; one pass over the changes after the first day puts the others right:
    # the phase counts for every run of days a change says the phase was another, and the few
    # patients whose lists it changes are kept to be taken one by one.

    def history(self) -> tuple[dict[str, _PerDay], dict[int, _Changed]]:
        """Registered patients by phase, each day; and the patients a list takes one by one:
        on some days discharged and on others not (the not-seen list), or in maintenance on
        days a change says so (the due list; its phase_since is the history's)."""
        per_phase = {p.value: _PerDay(self.n) for p in Phase}
        # by stored phase (the phase index alone), less the patients not registered yet
        for phase, count in _rows(P.select(P.phase, fn.COUNT(SQL("*"))).group_by(P.phase)):
            per_phase[phase].add(0, self.n - 1, count)
        later = (P.select(P.registered_on, P.phase, fn.COUNT(SQL("*")))
                 .where(P.registered_on > self.first)
                 .group_by(P.registered_on, P.phase))
        for registered, phase, count in _rows(later):
            per_phase[phase].add(0, self.at(registered, 0) - 1, -count)
        rows = _rows(C.select(C.patient, C.at, C.from_phase, C.to_phase, C.from_since,
                              P.registered_on, P.phase, P.phase_since)
                     .join(P, on=(C.patient == P.id))
                     .where(C.at >= start_of_next_day(self.first))
                     .order_by(C.patient, C.at, C.id))
        at, history_end, changed = self.at, self.history_end, {}
        discharged, maintenance = Phase.DISCHARGED.value, Phase.MAINTENANCE.value
        self.maintenance_changed = []  # in maintenance now, with a change after the first day
        for patient, group in groupby(rows, key=itemgetter(0)):
            group = list(group)
            _, _, _, _, _, registered, stored, stored_since = group[0]
            if stored == maintenance:
                self.maintenance_changed.append(patient)
            registered = at(registered, 0)
            begin, alone = 0, False
            for _, when, before, after, _, _, _, _ in group:  # phase_runs' runs, inline
                changed_on = at(when, 0)
                if changed_on > begin:  # the first change of a later day
                    if begin > history_end:
                        break
                    phase = before or after
                    if phase != stored:
                        end = changed_on - 1 if changed_on <= history_end else history_end
                        counted = begin if begin > registered else registered
                        per_phase[stored].add(counted, end, -1)
                        per_phase[phase].add(counted, end, 1)
                    alone = alone or phase == maintenance or (
                        (phase == discharged) != (stored == discharged))
                    begin = changed_on
            if alone:
                runs = phase_runs(((at(when, 0), before or after)
                                   for _, when, before, after, _, _, _, _ in group),
                                  stored, history_end, self.n)
                changed[patient] = _Changed(patient, registered, stored, stored_since,
                                            [row[1:5] for row in group], runs)
        return per_phase, changed

    # -- not seen in over a month, and new patients ----------------------------------------------

    def not_seen_and_new(self, changed: dict[int, _Changed]) -> tuple[_PerDay, _PerDay]:
        """Per patient: the day it counts from, whether its stored phase counts (not
        discharged), the last day seen before the stretch, and the first day seen in it (which
        ends a run on the list, and makes a patient never seen before a new one), counted in
        Python (the same few thousand answers come again and again: SQLite would sort every
        patient to group them). A patient discharged on some days of the stretch and not on
        others comes alone."""
        first_day, cutoff = start_of_day(self.first), self.cutoffs[0]
        in_stretch = q.in_days(self.first, self.last)
        discharged = Phase.DISCHARGED.value
        flips = [c.patient for c in changed.values()
                 if any((phase == discharged) != (c.stored == discharged)
                        for _, _, phase, _ in c.runs)]
        before = (A.select(A.start).where(A.patient == P.id, q.seen(), A.start < first_day)
                  .order_by(A.start.desc()).limit(1))
        # (an index search for every patient costs less than first finding who was seen)
        first_in = (A.select(A.start).where(A.patient == P.id, q.seen(), in_stretch)
                    .order_by(A.start).limit(1))
        query = P.select(
            Case(None, [(q.one_of(P.id, flips), P.id)], None),
            Case(None, [(P.registered_on > self.first, P.registered_on)], None),
            # a registration before the first day's cutoff counts from the start
            Case(None, [(P.registered_on >= cutoff, P.registered_on)], None),
            P.phase != discharged, fn.DATE(before), fn.DATE(first_in))
        not_seen, new, day, at = _PerDay(self.n), _PerDay(self.n), self.day, self.at
        counted_from: dict[object, int] = {}  # the first day on the list, by last day seen
        for (alone, joined, registered, counted, before, first_in), count in Counter(
                m.database.execute(query)).items():
            first_in = at(first_in, self.n)
            if before is None and first_in < self.n:  # never seen before the stretch
                new.add(first_in, first_in, count)
            reference = before if before is not None else registered
            begin = counted_from.get(reference)
            if begin is None:
                begin = counted_from[reference] = (
                    0 if reference is None else bisect_right(self.cutoffs, day(reference)))
            begin = max(begin, at(joined, 0))
            end = first_in - 1  # seen in the stretch, a patient stays seen to its end
            if alone is None:
                if counted:
                    not_seen.add(begin, end, count)
                continue
            for run_begin, run_end, phase, _ in changed[alone].runs:
                if phase != discharged:
                    not_seen.add(max(begin, run_begin), min(end, run_end), 1)
        return not_seen, new

    # -- due for maintenance ---------------------------------------------------------------------

    def due(self, changed: dict[int, _Changed]) -> _PerDay:
        """Per patient in maintenance with no infusion booked on the last day or later: the
        day it counts from, interval, phase_since, the last infusion booked before the last
        day, the last completed infusion by the end of the first day, and the completed ones
        in the stretch that can matter: the first (which ends a run of due days), and the last
        that leaves time to come due again, with the one after it; counted in Python. A
        patient whose history puts it in maintenance on some days only, or since another
        day, comes alone. Each index search only where its answer can matter."""
        starts, ends = start_of_day(self.first), start_of_next_day(self.first)
        last_starts, last_ends = start_of_day(self.last), start_of_next_day(self.last)
        maintenance = Phase.MAINTENANCE.value
        booked = (A.kind == Kind.INFUSION.value) & (A.status == Status.BOOKED.value)
        window_end, first_window_end = (rules.due_window_end(self.last),
                                        rules.due_window_end(self.first))
        # the last infusion completed in the stretch that can make a patient due again
        # before it ends: early enough to leave NOT_DUE_AFTER_INFUSION_DAYS, and to come due
        # by the last day's window end on the shortest interval
        mid_last = min(self.last - dt.timedelta(days=NOT_DUE_AFTER_INFUSION_DAYS),
                       latest_start_reaching(window_end, min(MAINTENANCE_INTERVAL_RANGE)))
        middle = start_of_next_day(mid_last)

        def patients_with(*conditions):
            return A.select(A.patient).where(*conditions)

        def completed(aggregate, *conditions):
            return fn.DATE(A.select(aggregate(A.start)).where(
                A.patient == P.id, q.completed_infusions(), *conditions))

        # alone: a change says the patient was in maintenance on some days (since when, the
        # history says); the others are in maintenance on the days the stored phase holds,
        # from the day of their last change after the first day (if any) on
        is_alone = q.one_of(P.id, (
            c.patient for c in changed.values()
            if any(phase == maintenance and from_change
                   for _, _, phase, from_change in c.runs)))
        booked_before_last = (booked, A.start >= starts, A.start < last_starts)
        columns = [
            Case(None, [(is_alone, P.id)], None),
            fn.DATE(Case(None, [(q.one_of(P.id, self.maintenance_changed), C.select(
                fn.MAX(C.at)).where(C.patient == P.id, C.at >= start_of_next_day(self.first)))],
                None)),
            Case(None, [(P.registered_on > self.first, P.registered_on)], None),
            fn.DATE(Case(None, [(P.id.in_(patients_with(*booked_before_last)),
                                 A.select(fn.MAX(A.start)).where(A.patient == P.id,
                                                                 *booked_before_last))],
                         None)),
            completed(fn.MAX, A.start < ends),
            completed(fn.MIN, A.start >= ends, A.start < last_ends),
            P.maintenance_interval_months,
            # phase_since counts only without a completed infusion: by the first day's window
            # end it comes due from the start, after the last day's never
            Case(None, [(P.phase_since <= first_window_end, first_window_end),
                        (P.phase_since > window_end, window_end + dt.timedelta(days=1))],
                 P.phase_since)]
        if mid_last > self.first:
            completed_mid = P.id.in_(patients_with(q.completed_infusions(), A.start >= ends,
                                                   A.start < middle))
            columns += [Case(None, [(completed_mid, completed(fn.MAX, A.start >= ends,
                                                              A.start < middle))], None),
                        Case(None, [(completed_mid, completed(fn.MIN, A.start >= middle,
                                                              A.start < last_ends))], None)]
        # a CASE, not an OR of the phase index and the IN list: SQLite 3.40's multi-index OR
        # loses rows when another term reads the same IN list
        query = (P.select(*columns)
                 .where(Case(None, [(P.phase == maintenance, 1), (is_alone, 1)], 0) == 1,
                        q.registered_by(self.last),
                        P.id.not_in(patients_with(booked, A.start >= last_starts))))
        due, alone_rows, at = _PerDay(self.n), [], self.at
        stored_from = self.history_end + 1  # from today on, the stored phase holds
        for (alone_patient, changed_last, *facts), count in Counter(
                m.database.execute(query)).items():
            if alone_patient is None:
                if changed_last is not None:
                    facts[0] = max(at(facts[0], 0), min(at(changed_last, 0), stored_from))
                for begin, end in self.due_spans(*facts):
                    due.add(begin, end, count)
            else:
                alone_rows.append((changed[alone_patient], facts))
        latest = self.latest_changes_before(
            [c.patient for c, _ in alone_rows
             if any(phase == maintenance and from_change
                    for _, _, phase, from_change in c.runs)])
        for c, facts in alone_rows:
            for run_begin, run_end, run_since in self.maintenance_runs(
                    c, latest.get(c.patient)):
                facts[5] = run_since
                for begin, end in self.due_spans(*facts):
                    due.add(max(begin, run_begin), min(end, run_end), 1)
        return due

    def latest_changes_before(self, patients: list[int]) -> dict[int, object]:
        """The latest phase change of each patient up to the end of the first day (only
        phase_since reads it)."""
        if not patients:
            return {}
        return dict(_rows(C.select(C.patient, fn.MAX(C.at))
                          .where(q.one_of(C.patient, patients),
                                 C.at < start_of_next_day(self.first))
                          .group_by(C.patient)))

    def comes_due(self, last_infusion, months: int, since) -> int:
        """The first day index whose window end reaches due_on (rules.due_on: the last
        completed infusion + the interval, or phase_since without one); the days as SQL gives
        them. Asked again and again for the same few thousand answers."""
        key = (last_infusion, months) if last_infusion is not None else since
        found = self._comes_due.get(key)
        if found is None:
            due = rules.due_on(last_infusion=self.day(last_infusion), interval_months=months,
                               phase_since=self.day(since))
            found = self._comes_due[key] = bisect_left(self.window_ends, due)
        return found

    def due_spans(self, registered, last_booked, completed_before, completed_first, months,
                  since, completed_mid=None, completed_next=None) -> list[tuple[int, int]]:
        """The day indexes a patient in maintenance all along (phase_since `since`) is due:
        registered (`registered`: the day, or the day index it counts from), no infusion
        booked from the day on, and due_on by the day's window end.
        Until the first infusion completed in the stretch, due_on is the one of the last
        completed before it; after it, only the last one completed early enough in the
        stretch can make the patient due again before the stretch ends (a completed infusion
        makes no one due for NOT_DUE_AFTER_INFUSION_DAYS, and a stretch is short)."""
        at = self.at
        opens = registered if type(registered) is int else at(registered, 0)
        if last_booked is not None:
            opens = max(opens, at(last_booked, 0) + 1)
        spans = [(max(opens, self.comes_due(completed_before, months, since)),
                  at(completed_first, self.n) - 1)]
        if completed_mid is not None:
            spans.append((max(opens, at(completed_mid, 0),
                              self.comes_due(completed_mid, months, since)),
                          at(completed_next, self.n) - 1))
        return spans

    def maintenance_runs(self, changed: _Changed, latest_change
                         ) -> list[tuple[int, int, object]]:
        """The runs of days `changed` is in maintenance, with phase_since: the stored one
        where no change follows, else phase_timeline's, from the history."""
        runs = [r for r in changed.runs if r[2] == Phase.MAINTENANCE]
        if all(not from_change for _, _, _, from_change in runs):
            return [(begin, end, changed.stored_since) for begin, end, _, _ in runs]
        history_last = self.first + dt.timedelta(days=self.history_end)
        changes = [DayChange(self.day(when), before, after, self.day(since))
                   for when, before, after, since in changed.changes]
        stored = (Phase(changed.stored), self.day(changed.stored_since))
        out = [(self.at(begin, 0), self.at(end, 0), since)
               for begin, end, phase, since in phase_timeline(
                   changes, stored, self.first + dt.timedelta(days=changed.registered),
                   self.day(latest_change), self.first, history_last)
               if phase == Phase.MAINTENANCE]
        if changed.stored == Phase.MAINTENANCE and self.history_end < self.n - 1:
            out.append((max(0, self.history_end + 1), self.n - 1, changed.stored_since))
        return out

    # -- all of it -----------------------------------------------------------------------------

    def one_day(self, with_lists: bool) -> Standing:
        """A stretch of one day. Each patient is on a list that day or not: the lists' own
        count of the day answers (services.lists, with the phase as of the day it reads), and
        the phases and the new patients likewise, without reading every patient's days."""
        day = self.first
        phase, _ = lists.phase_as_of(day)
        standing = P.select(phase.alias("phase")).where(q.registered_by(day)).alias("standing")
        phases = dict(_rows(P.select(standing.c.phase, fn.COUNT(SQL("*"))).from_(standing)
                            .where(standing.c.phase != Phase.DISCHARGED.value)
                            .group_by(standing.c.phase)))
        self.new_patients = [_new_patients_per_day(day, day).get(day, 0)] if with_lists else []
        return Standing(active_by_phase={p.value: phases.get(p.value, 0) for p in ACTIVE_PHASES},
                        lists=lists.list_sizes(day) if with_lists else {})

    def standings(self, with_lists: bool = True) -> list[Standing]:
        if self.n == 1:
            return [self.one_day(with_lists)]
        per_phase, changed = self.history()
        per_phase = {p: d.totals() for p, d in per_phase.items()}
        if with_lists:
            not_seen, new = self.not_seen_and_new(changed)
            self.new_patients = new.totals()
            sizes = {"mid_stabilization": per_phase[Phase.STABILIZATION.value],
                     "due_for_maintenance": self.due(changed).totals(),
                     "not_seen_over_a_month": not_seen.totals()}
        else:
            sizes = {}
        return [Standing(active_by_phase={p.value: per_phase[p.value][i]
                                          for p in ACTIVE_PHASES},
                         lists={name: sizes[name][i] for name in sizes})
                for i in range(self.n)]


def active_by_phase(day: dt.date) -> dict[str, int]:
    """Patients in each active phase as of the end of `day` (DOMAIN.md "as of D"): registered
    by then, in the phase the history says."""
    with read_snapshot():
        (standing,) = _Stretch(day, day, clock.today()).standings(with_lists=False)
    return standing.active_by_phase


def census(day: dt.date) -> Census:
    (result,) = census_range(day, day)
    return result


def census_range(first: dt.date, last: dt.date, *, chairs: bool = True) -> Iterator[Census]:
    """The census of each day first..last, as `census(day)` gives it: a stretch of days (up
    to a month) is counted at once, its day figures, its standings and its chairs, and its
    days are handed out before the next stretch is counted. `chairs=False` leaves each
    day's `chairs` empty, for a caller that does not show them: the booked minutes of each
    chair and day are the one figure the indexes cannot answer alone (a row read for each
    infusion: about 0.3 s for 30 days at 100,000 patients)."""
    if last < first:
        raise ValueError("last before first")
    settings = clinic_settings()
    today = clock.today()
    for start, end in stretches(first, last):
        with read_snapshot():
            stretch = _Stretch(start, end, today)
            standing = stretch.standings()
            new = dict(zip(days_between(start, end), stretch.new_patients))
            figures = _daily_figures(start, end, settings, new_patients=True,
                                     new_per_day=new)
            if chairs:
                booked = _booked_chair_minutes_per_day(start, end)
                in_order = _chairs_in_order()
        for f, s in zip(figures, standing):
            day = f.first
            open_minutes = settings.open_minutes(day)
            yield Census(
                date=day, by_status=f.by_status, by_kind=f.by_kind,
                patients_seen=f.patients_seen, new_patients=f.new_patients,
                no_show_rate=f.no_show_rate, late_cancellations=f.late_cancellations,
                chair_utilization=f.chair_utilization, active_by_phase=s.active_by_phase,
                lists=s.lists,
                chairs=tuple(_chair_uses(booked[day], open_minutes, in_order)) if chairs else (),
                chair_minutes=f.chair_minutes, capacity_minutes=f.capacity_minutes,
                open_minutes=open_minutes)


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
