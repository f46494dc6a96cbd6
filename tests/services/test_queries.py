"""db.queries' pieces state the same rules as their pure twins (domain.model, domain.dates):
each piece selects exactly the generated appointments its twin says, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from frontdesk.db import models as m
from frontdesk.db import queries as q
from frontdesk.db.connection import write_transaction
from frontdesk.db.dialect import as_moment
from frontdesk.domain.model import (SEEN_STATUSES, Kind, Status, holds_chair, holds_patient,
                                    holds_patient_day, intervals_overlap, uses_chair_time)

A = m.Appointment
D = dt.date
FIRST = D(2026, 11, 20)


@pytest.fixture
def generated(any_db):
    """300 appointments over a week: every kind and status, with and without a chair, some
    crossing midnight, starting on and off the quarter hour."""
    rng = random.Random(7)
    now = dt.datetime(2026, 11, 1, 12)
    with write_transaction():
        staff = m.Staff.create(username="gen", created_at=now).id
        chairs = [m.Chair.get(m.Chair.name == f"Chair {n}").id for n in (1, 2)]
        pid = m.Patient.create(chart_number="G-1", first_name="G", last_name="G",
                               date_of_birth=D(1980, 1, 1), phone="+16502530000",
                               phase="maintenance", phase_since=D(2026, 1, 1),
                               registered_on=D(2026, 1, 1), created_at=now, updated_at=now).id
        for _ in range(300):
            start = (dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(
                minutes=rng.randrange(0, 7 * 24 * 60)))
            minutes = rng.choice([5, 30, 90, 240, 480])
            kind, status = rng.choice(list(Kind)), rng.choice(list(Status))
            chair = rng.choice([None, *chairs])
            try:
                with m.database.atomic():
                    A.create(patient=pid, kind=kind.value, start=start,
                             duration_minutes=minutes,
                             ends_at=start + dt.timedelta(minutes=minutes), chair=chair,
                             status=status.value, status_at=now, status_by=staff,
                             booked_at=now, booked_by=staff)
            except Exception:  # the chair guard refused it: keep it without a chair
                A.create(patient=pid, kind=kind.value, start=start, duration_minutes=minutes,
                         ends_at=start + dt.timedelta(minutes=minutes), chair=None,
                         status=status.value, status_at=now, status_by=staff,
                         booked_at=now, booked_by=staff)
    return [(aid, kind, status, chair, as_moment(start), as_moment(ends))
            for aid, kind, status, chair, start, ends in A.select(
                A.id, A.kind, A.status, A.chair, A.start, A.ends_at).tuples()]


def selected(*where) -> set[int]:
    return {aid for (aid,) in A.select(A.id).where(*where).tuples()}


def test_what_an_appointment_holds(generated):
    rows = generated
    assert selected(q.holds_chair()) == {r[0] for r in rows if holds_chair(r[1], r[2], r[3])}
    assert selected(q.uses_chair_time()) == {r[0] for r in rows if uses_chair_time(r[1], r[2])}
    assert selected(q.holds_patient()) == {r[0] for r in rows if holds_patient(r[2])}
    assert selected(q.holds_patient_day()) == {r[0] for r in rows
                                               if holds_patient_day(r[1], r[2])}
    assert selected(q.seen()) == {r[0] for r in rows if r[2] in SEEN_STATUSES}
    assert 0 < len(selected(q.holds_patient_day())) < len(rows)


def test_days_and_overlaps(generated):
    rows = generated
    for day in (FIRST + dt.timedelta(days=n) for n in range(-1, 8)):
        assert selected(q.on_day(day)) == {r[0] for r in rows if r[4].date() == day}
        assert selected(q.from_day(day)) == {r[0] for r in rows if r[4].date() >= day}
        assert selected(q.by_end_of(day)) == {r[0] for r in rows if r[4].date() <= day}
        last = day + dt.timedelta(days=2)
        assert selected(q.in_days(day, last)) == {r[0] for r in rows
                                                  if day <= r[4].date() <= last}
    for hour in range(0, 7 * 24, 5):
        start = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(hours=hour)
        ends = start + dt.timedelta(minutes=90)
        assert selected(q.overlapping(start, ends)) == {
            r[0] for r in rows if intervals_overlap(start, ends, r[4], r[5])}


def test_completed_in_phase(generated):
    rows = generated
    for since in (FIRST, FIRST + dt.timedelta(days=3)):
        for by in (None, since + dt.timedelta(days=2)):
            assert selected(q.completed_in_phase(since, by)) == {
                r[0] for r in rows if r[1] == "infusion" and r[2] == "completed"
                and r[4].date() >= since and (by is None or r[4].date() <= by)}


def test_overlapping_few_is_overlapping(generated):
    """The bounded form reads fewer rows and selects the same ones, also rows longer than a
    booking can be (an import's, a hand edit's): up to the day overlapping itself allows."""
    staff, pid = m.Staff.get().id, m.Patient.get().id
    rows = list(generated)
    with write_transaction():
        for hour, minutes in ((3, 600), (20, 900), (40, 1380), (70, 481), (100, 479)):
            start = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(hours=hour, minutes=7)
            ends = start + dt.timedelta(minutes=minutes)
            aid = A.create(patient=pid, kind=Kind.CONSULT.value, start=start,
                           duration_minutes=minutes, ends_at=ends, status=Status.BOOKED.value,
                           status_at=start, status_by=staff, booked_at=start,
                           booked_by=staff).id
            rows.append((aid, Kind.CONSULT.value, Status.BOOKED.value, None, start, ends))
    for quarter in range(-4 * 24, 4 * 24 * 8, 7):
        start = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(minutes=15 * quarter)
        for length in (15, 90, 600):
            ends = start + dt.timedelta(minutes=length)
            expected = {r[0] for r in rows if intervals_overlap(start, ends, r[4], r[5])}
            assert selected(q.overlapping_few(start, ends)) == expected
            assert selected(q.overlapping(start, ends)) == expected


def test_changed_after(any_db):
    """The patients whose history has a change dated after the day: the only ones whose
    phase as of the day is not the stored one (domain.phases.phase_in_history)."""
    rng = random.Random(3)
    now = dt.datetime(2026, 11, 1, 12)
    changes = []
    with write_transaction():
        staff = m.Staff.create(username="gen", created_at=now).id
        for n in range(12):
            pid = m.Patient.create(chart_number=f"H-{n}", first_name="H", last_name="H",
                                   date_of_birth=D(1980, 1, 1), phone="+16502530000",
                                   phase="maintenance", phase_since=D(2026, 1, 1),
                                   registered_on=D(2026, 1, 1), created_at=now,
                                   updated_at=now).id
            for _ in range(rng.randrange(0, 4)):
                at = dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(
                    minutes=rng.choice([-1, 0, 1, 9 * 60, 24 * 60 - 1, 24 * 60,
                                        rng.randrange(-3 * 24 * 60, 4 * 24 * 60)]))
                m.PhaseChange.create(patient=pid, at=at, staff=staff, from_phase="intake",
                                     to_phase="maintenance")
                changes.append((pid, at))
    for day in (FIRST + dt.timedelta(days=n) for n in range(-4, 5)):
        assert {pid for (pid,) in q.changed_after(day).tuples()} == {
            pid for pid, at in changes if at.date() > day}
    assert {pid for pid, at in changes if at.date() > FIRST} != set()
