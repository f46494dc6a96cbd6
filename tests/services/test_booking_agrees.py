"""The slot finder reads only the chair time it looks at (issue 15): on a generated clinic,
on SQLite and PostgreSQL, find_slots, free_on and the series preview give exactly what the
finder gave before, which read every chair's bookings over the days searched and tried every
chair at every start. That finder is kept here, as it was, as the reference."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left
from itertools import islice

import pytest
from peewee import JOIN

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.db.dialect import as_moment
from frontdesk.domain.errors import Conflict, ValidationError
from frontdesk.domain.model import (Kind, Status, holds_chair, holds_patient,
                                    holds_patient_day, intervals_overlap)
from frontdesk.domain.series import MAX_SHIFT_DAYS, SeriesItem, planned_dates
from frontdesk.domain.slots import Slot, grid_starts
from frontdesk.services import booking, demo
from frontdesk.services.clinic import clinic_settings

A = m.Appointment
INF, CONSULT = Kind.INFUSION, Kind.CONSULT
SEEDED_ON = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 20, 10, 7)


# --- the finder as it was before issue 15 ------------------------------------------------------

class OldChairTimes:
    def __init__(self, taken):
        ordered = sorted(taken)
        self._starts = [s for s, _ in ordered]
        self._ends = [e for _, e in ordered]

    def is_free(self, start, end):
        before = bisect_left(self._starts, end)
        return before == 0 or self._ends[before - 1] <= start


def old_free_slots(settings, length_minutes, after, last_day, *, chairs, chair_taken,
                   patient_taken=(), patient_days=()):
    length = dt.timedelta(minutes=length_minutes)
    patient = sorted(patient_taken)
    times = {name: OldChairTimes(chair_taken.get(name, ())) for name in chairs or ()}
    for start in grid_starts(settings, length_minutes, after, last_day):
        if start.date() in patient_days:
            continue
        end = start + length
        if any(intervals_overlap(start, end, s, e) for s, e in patient):
            continue
        if chairs is None:
            yield Slot(start, end, None)
            continue
        chair = next((name for name in chairs if times[name].is_free(start, end)), None)
        if chair is not None:
            yield Slot(start, end, chair)


def old_plan_series(dates, preferred, settings, free_on, infusion_days):
    items, previous = [], None
    for planned in dates:
        pushed = previous is not None and planned <= previous
        day = previous + dt.timedelta(1) if pushed else planned
        placed = None
        for _ in range(MAX_SHIFT_DAYS + 1):
            if settings.is_open_on(day) and day not in infusion_days:
                slots = free_on(day)
                placed = next((s for s in slots if s.start.time() >= preferred),
                              slots[0] if slots else None)
                if placed is not None:
                    break
            day += dt.timedelta(days=1)
        if placed is None:
            items.append(SeriesItem(planned, None, f"nothing free within {MAX_SHIFT_DAYS} days"))
            continue
        note = ""
        if placed.day != planned:
            why = ("an infusion is already booked that day" if planned in infusion_days
                   else f"the one before is on {previous:%a %d %b}" if pushed
                   else "nothing free that day")
            note = f"moved from {planned:%a %d %b}: {why}"
        elif placed.start.time() != preferred:
            note = f"{placed.start:%H:%M}: nothing free at {preferred:%H:%M}"
        previous = placed.day
        items.append(SeriesItem(planned, placed, note))
    return items


class Reference:
    """Every appointment read back once; the old finder over them."""

    def __init__(self) -> None:
        self.settings = clinic_settings()
        self.chairs = [name for (name,) in m.Chair.select(m.Chair.name).where(m.Chair.active)
                       .order_by(m.Chair.position, m.Chair.name).tuples()]
        self.rows = [(aid, as_moment(s), as_moment(e), k, st, c, p) for aid, s, e, k, st, c, p
                     in A.select(A.id, A.start, A.ends_at, A.kind, A.status, m.Chair.name,
                                 A.patient).join(m.Chair, JOIN.LEFT_OUTER).tuples()]

    def free(self, kind, after, last_day, *, patient=None, duration=None, exclude=None):
        length = duration or self.settings.duration_of(kind)
        chairs = self.chairs if kind == INF else None
        rows = [r for r in self.rows if r[0] != exclude]
        chair_taken: dict[str, list] = {}
        for _, s, e, k, st, c, _ in rows:
            if holds_chair(k, st, c):
                chair_taken.setdefault(c, []).append((s, e))
        patient_taken = [(s, e) for _, s, e, _, st, _, p in rows
                         if p == patient and holds_patient(st)]
        patient_days = {s.date() for _, s, _, k, st, _, p in rows
                        if p == patient and kind == INF and holds_patient_day(k, st)}
        return old_free_slots(self.settings, length, after, last_day, chairs=chairs,
                              chair_taken=chair_taken, patient_taken=patient_taken,
                              patient_days=patient_days)

    def find_slots(self, kind, after, count, *, patient=None, duration=None, exclude=None,
                   horizon=booking.HORIZON_DAYS):
        if kind == INF and not self.chairs:
            return []
        after = max(after, clock.now()).replace(second=0, microsecond=0)
        return list(islice(self.free(kind, after, after.date() + dt.timedelta(days=horizon),
                                     patient=patient, duration=duration, exclude=exclude),
                           count))

    def free_on(self, kind, day, *, patient=None):
        after = max(dt.datetime.combine(day, dt.time()), clock.now().replace(second=0))
        return list(self.free(kind, after, day, patient=patient))

    def series(self, patient, count, pattern, first_day, preferred):
        dates = planned_dates(pattern, first_day, count, self.settings)
        infusion_days = {s.date() for _, s, _, k, st, _, p in self.rows
                         if p == patient and holds_patient_day(k, st)
                         and dates[0] <= s.date() <= dates[-1]}
        return old_plan_series(dates, preferred, self.settings,
                               lambda day: self.free_on(INF, day, patient=patient),
                               infusion_days)


# --- a generated clinic, busier than the demo's usual 60% ---------------------------------------

@pytest.fixture
def clinic(any_db, monkeypatch):
    """400 patients in 4 chairs (the demo gives a chair to 90): bookings run weeks ahead and
    whole days fill. Chair 3 retired since (its bookings stay in the database)."""
    monkeypatch.setattr(demo, "PATIENTS_PER_CHAIR", 100)
    clock.set_today(SEEDED_ON)
    demo.generate_demo(patients=400, seed=15, today=SEEDED_ON)
    with write_transaction():
        m.Chair.update(active=False).where(m.Chair.name == "Chair 3").execute()
    clock.set_now(NOW)
    yield Reference()
    clock.set_now(None)


def _patients_with_bookings(limit: int) -> list[int]:
    return [p for (p,) in A.select(A.patient).where(
        A.status == Status.BOOKED.value, A.start >= NOW).group_by(A.patient)
        .order_by(A.patient).limit(limit).tuples()]


def test_find_slots_and_free_on_give_what_the_old_finder_gave(clinic):
    rng = random.Random(15)
    patients = [None, *_patients_with_bookings(6)]
    assert len(clinic.chairs) == 3 and "Chair 3" not in clinic.chairs
    busy_days = 0
    for n in range(40):
        kind = INF if n % 5 else CONSULT
        after = NOW + dt.timedelta(days=rng.randrange(-1, 20), minutes=rng.randrange(0, 1440))
        count = rng.choice([1, 2, 5, 60, 400])
        patient = rng.choice(patients)
        duration = rng.choice([None, None, 45, 120])
        got = booking.find_slots(kind, after, count, patient_id=patient, duration=duration)
        assert got == clinic.find_slots(kind, after, count, patient=patient,
                                        duration=duration), (kind, after, count, patient)
    for day in (NOW.date() + dt.timedelta(days=n) for n in range(0, 30)):
        for patient in patients[:3]:
            got = booking.free_on(INF, day, patient_id=patient)
            assert got == clinic.free_on(INF, day, patient=patient), (day, patient)
        busy_days += day.weekday() < 5 and len(booking.free_on(INF, day)) < 30
    assert busy_days >= 5  # the chairs are full on some days: the finder had to look past


def test_a_move_gives_what_the_old_finder_gave(clinic):
    for patient in _patients_with_bookings(5):
        moved = (A.select(A.id, A.kind, A.duration_minutes).where(
            A.patient == patient, A.status == Status.BOOKED.value, A.start >= NOW)
            .order_by(A.start).first())
        kind = Kind(moved.kind)
        got = booking.find_slots(kind, NOW, 30, patient_id=patient,
                                 duration=moved.duration_minutes, exclude_appointment=moved.id)
        assert got == clinic.find_slots(kind, NOW, 30, patient=patient,
                                        duration=moved.duration_minutes, exclude=moved.id)


def test_the_series_preview_gives_what_the_old_finder_gave(clinic):
    """Patients of every kind; for some, a consult at the asked time of a series day and an
    infusion on a day the series could move to (their own time and their one a day)."""
    checked, moved, own = 0, 0, 0
    for patient in range(1, 80):
        for pattern, first, preferred in (("mon-wed-fri", dt.date(2026, 11, 23), dt.time(9)),
                                          ("every-day", dt.date(2026, 11, 20), dt.time(15)),
                                          ("tue-thu", dt.date(2026, 12, 1), dt.time(8))):
            try:
                plan = booking.plan_stabilization_series(patient, 4, pattern, first, preferred)
            except ValidationError:  # the patient's target leaves no series of 4
                continue
            if checked % 3 == 1:
                own += _book_in_the_way(patient, plan)
                plan = booking.plan_stabilization_series(patient, 4, pattern, first, preferred)
                clinic = Reference()
            assert list(plan.items) == clinic.series(patient, 4, booking.Pattern(pattern),
                                                     first, preferred), (patient, pattern)
            checked += 1
            moved += sum(bool(item.note) for item in plan.items)
        if checked >= 15:
            break
    assert checked >= 15 and moved and own


def _book_in_the_way(patient: int, plan) -> int:
    """A consult at the start of the plan's second item, an infusion the day after its
    third: how many of the two could be booked."""
    booked = 0
    second, third = plan.items[1].slot, plan.items[2].slot
    for kind, start in ((CONSULT, second.start if second else None),
                        (INF, dt.datetime.combine(third.day + dt.timedelta(days=1),
                                                  dt.time(12)) if third else None)):
        try:
            if start is not None:
                booking.book(patient, kind, start, staff="test")
                booked += 1
        except (Conflict, ValidationError):  # full, closed, or the patient is busy
            pass
    return booked
