"""The calendar pane (services.calendar): appointments per day of a month, and a day's agenda,
checked against hand-built appointments."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db.connection import write_transaction
from frontdesk.domain.model import Kind, Status
from frontdesk.domain.validation import name_key
from frontdesk.services.calendar import AgendaLine, day_agenda, day_counts

from chair_support import ChairPlan

D = dt.date
MONDAY = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 1, 12, 0)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def add_chair(name: str, position: int) -> int:
    with write_transaction():
        return m.Chair.create(name=name, position=position).id


def add_patients(*names: tuple[str, str, str]) -> dict[str, int]:
    """(chart, first, last) -> {chart: id}."""
    with write_transaction():
        insert_rows(m.Patient, ["chart_number", "first_name", "last_name", "search_key",
                                "date_of_birth", "phone", "phase", "phase_since",
                                "registered_on", "created_at", "updated_at"],
                    [(chart, first, last, name_key(first, last), D(1980, 1, 1), "+16502530000",
                      "maintenance", D(2026, 1, 1), D(2026, 1, 1), NOW, NOW)
                     for chart, first, last in names])
    return dict(m.Patient.select(m.Patient.chart_number, m.Patient.id).tuples())


def add_appointments(rows) -> None:
    """(patient id, start, kind, status, chair name or None, minutes)."""
    with write_transaction():
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": NOW})[0].id
        chairs = dict(m.Chair.select(m.Chair.name, m.Chair.id).tuples())
        insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes", "ends_at",
                                    "chair", "status", "status_at", "status_by", "booked_at",
                                    "booked_by"],
                    [(pid, kind.value, start, minutes, start + dt.timedelta(minutes=minutes),
                      chairs[chair] if chair else None, status.value, NOW, staff, NOW, staff)
                     for pid, start, kind, status, chair, minutes in rows])


def build_week() -> dict[str, int]:
    """A hand-built week around Monday 2026-11-23; returns chart -> patient id."""
    add_chair("A-side", 10)     # sorts first by name, last by position
    add_chair("Chair 10", 5)    # before "Chair 2" by name, after it by position
    ids = add_patients(("C-1", "Fay", "Abe"), ("C-2", "Dan", "Zed"), ("C-3", "José", "Núñez"),
                       ("C-4", "Siobhán", "O'Brien"), ("C-5", "Ann", "Stab"),
                       ("C-6", "Bo", "Maint"), ("C-7", "Cy", "Night"))
    i = ids
    sunday, tuesday = MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=1)
    add_appointments([
        # Monday, written out of order on purpose
        (i["C-3"], at(MONDAY, 9), Kind.CONSULT, Status.BOOKED, None, 60),
        (i["C-2"], at(MONDAY, 9), Kind.INFUSION, Status.CANCELLED, "Chair 1", 90),
        (i["C-5"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 10", 90),
        (i["C-6"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 2", 90),
        (i["C-1"], at(MONDAY, 9), Kind.INFUSION, Status.BOOKED, "Chair 1", 90),
        (i["C-4"], at(MONDAY, 9), Kind.ASSESSMENT, Status.NO_SHOW, None, 30),
        (i["C-7"], at(MONDAY, 23, 30), Kind.ASSESSMENT, Status.BOOKED, None, 30),
        (i["C-6"], at(MONDAY, 8), Kind.INFUSION, Status.COMPLETED, "A-side", 90),
        (i["C-3"], at(MONDAY, 10, 30), Kind.INFUSION, Status.CANCELLED, "Chair 3", 90),
        # the days around it
        (i["C-7"], at(tuesday, 0), Kind.CONSULT, Status.BOOKED, None, 60),
        (i["C-1"], at(tuesday, 8), Kind.INFUSION, Status.BOOKED, "Chair 1", 90),
        (i["C-2"], at(sunday, 23, 59), Kind.CONSULT, Status.COMPLETED, None, 60),
        (i["C-4"], at(D(2026, 11, 25), 9), Kind.INFUSION, Status.CANCELLED, "Chair 4", 90),
        (i["C-5"], at(D(2026, 11, 30), 12), Kind.INFUSION, Status.ARRIVED, "Chair 2", 90),
        (i["C-6"], at(D(2026, 12, 1), 9), Kind.INFUSION, Status.BOOKED, "Chair 2", 90),
    ])
    return ids


def test_day_counts_count_appointments_still_on(db_path):
    build_week()
    assert day_counts(D(2026, 11, 1), D(2026, 11, 30)) == {
        D(2026, 11, 22): 1,
        MONDAY: 7,               # 9 that day, 2 cancelled
        D(2026, 11, 24): 2,      # midnight belongs to the new day
        D(2026, 11, 30): 1,      # the last day is included
    }                            # the 25th holds only a cancellation: absent


def test_day_counts_keep_to_the_range(db_path):
    build_week()
    assert day_counts(MONDAY, MONDAY) == {MONDAY: 7}
    assert day_counts(D(2026, 11, 24), D(2026, 12, 31)) == {
        D(2026, 11, 24): 2, D(2026, 11, 30): 1, D(2026, 12, 1): 1}
    assert day_counts(D(2026, 11, 25), D(2026, 11, 29)) == {}
    assert day_counts(D(2027, 1, 1), D(2027, 1, 31)) == {}
    assert all(isinstance(day, dt.date) and not isinstance(day, dt.datetime)
               for day in day_counts(D(2026, 11, 1), D(2026, 12, 31)))


def test_day_counts_of_a_long_range_are_asked_a_few_days_at_a_time(db_path, monkeypatch):
    """Each day is counted on its own; a range longer than one statement holds is asked in
    parts, and the parts add up to the same answer."""
    from frontdesk.services import calendar
    build_week()
    whole = day_counts(D(2026, 1, 1), D(2027, 12, 31))  # 730 days: 2 statements
    assert whole == day_counts(D(2026, 11, 1), D(2026, 12, 31))
    monkeypatch.setattr(calendar, "DAYS_PER_QUERY", 3)
    assert day_counts(D(2026, 11, 20), D(2026, 12, 2)) == {
        D(2026, 11, 22): 1, MONDAY: 7, D(2026, 11, 24): 2, D(2026, 11, 30): 1,
        D(2026, 12, 1): 1}
    assert day_counts(MONDAY, MONDAY - dt.timedelta(days=1)) == {}  # an empty range


def test_day_counts_of_an_empty_clinic(db_path):
    assert day_counts(D(2026, 11, 1), D(2026, 11, 30)) == {}
    assert day_agenda(MONDAY) == []


def test_day_agenda_by_start_then_chair_position(db_path):
    ids = build_week()
    agenda = day_agenda(MONDAY)
    assert [(line.start.time(), line.chair, line.chart, line.status) for line in agenda] == [
        (dt.time(8), "A-side", "C-6", Status.COMPLETED),
        (dt.time(9), "Chair 1", "C-1", Status.BOOKED),        # Abe before Zed in one chair
        (dt.time(9), "Chair 1", "C-2", Status.CANCELLED),     # cancelled ones are shown
        (dt.time(9), "Chair 2", "C-6", Status.BOOKED),
        (dt.time(9), "Chair 10", "C-5", Status.BOOKED),       # by position, not by name
        (dt.time(9), None, "C-3", Status.BOOKED),             # no chair: after the chairs,
        (dt.time(9), None, "C-4", Status.NO_SHOW),            # by name (nunez < obrien)
        (dt.time(10, 30), "Chair 3", "C-3", Status.CANCELLED),
        (dt.time(23, 30), None, "C-7", Status.BOOKED),
    ]
    first = agenda[1]
    assert first == AgendaLine(id=first.id, start=at(MONDAY, 9), duration_minutes=90,
                               chair="Chair 1", patient_id=ids["C-1"], chart="C-1",
                               name="Abe, Fay", kind=Kind.INFUSION, status=Status.BOOKED)
    consult = agenda[5]
    assert (consult.name, consult.kind, consult.duration_minutes) == (
        "Núñez, José", Kind.CONSULT, 60)
    assert len({line.id for line in agenda}) == len(agenda)


def test_day_agenda_and_counts_agree(db_path):
    build_week()
    counts = day_counts(D(2026, 11, 1), D(2026, 12, 31))
    for offset in range(-3, 12):
        day = MONDAY + dt.timedelta(days=offset)
        on = [line for line in day_agenda(day) if line.status != Status.CANCELLED]
        assert counts.get(day, 0) == len(on)
        assert all(line.start.date() == day for line in day_agenda(day))


# --- random days, against a reference in Python ---------------------------------------------

CHAIRS = [("Chair 1", 1), ("Chair 2", 2), ("Chair 3", 3), ("Chair 4", 4), ("Chair 10", 5),
          ("Back", 0), ("Aisle", 7)]
NAMES = [("C-1", "Fay", "Abe"), ("C-2", "Dan", "Zed"), ("C-3", "José", "Núñez"),
         ("C-4", "Jose", "Nunez"), ("C-5", "Ann", "O'Brien")]
_appointment = st.tuples(
    st.integers(0, len(NAMES) - 1), st.integers(-2, 9),                       # who, which day
    st.sampled_from([(0, 0), (8, 0), (9, 30), (9, 30), (12, 0), (23, 59)]),   # when
    st.sampled_from(list(Kind)), st.sampled_from(list(Status)),
    st.sampled_from([None, *[name for name, _ in CHAIRS]]), st.sampled_from([30, 60, 90]))


@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(appointments=st.lists(_appointment, max_size=25))
def test_random_days_agree_with_a_reference(db_path, appointments):
    with write_transaction():
        m.Appointment.delete().execute()
        m.Patient.delete().execute()
        for name, position in CHAIRS:
            m.Chair.get_or_create(name=name, defaults={"position": position})
    position = dict(m.Chair.select(m.Chair.name, m.Chair.position).tuples())
    ids = add_patients(*NAMES)
    charts = [chart for chart, _, _ in NAMES]
    keys = {ids[chart]: name_key(first, last) for chart, first, last in NAMES}
    rows = []
    plan = ChairPlan()  # the database refuses two infusions at once in a chair: move one
    for who, offset, hm, kind, status, chair, minutes in appointments:
        start = at(MONDAY + dt.timedelta(days=offset), *hm)
        chair = plan.place(kind, status, start, start + dt.timedelta(minutes=minutes), chair,
                           [name for name, _ in CHAIRS])
        rows.append((ids[charts[who]], start, kind, status, chair, minutes))
    add_appointments(rows)
    first, last = MONDAY, MONDAY + dt.timedelta(days=6)
    expected = Counter(start.date() for _, start, _, status, _, _ in rows
                       if status != Status.CANCELLED and first <= start.date() <= last)
    assert day_counts(first, last) == dict(expected)
    for offset in range(-2, 10):
        day = MONDAY + dt.timedelta(days=offset)
        agenda = day_agenda(day)
        same = lambda r: (r[0], r[1], r[2], r[3], r[4] or "", r[5])
        assert sorted(((line.patient_id, line.start, line.kind, line.status, line.chair,
                        line.duration_minutes) for line in agenda), key=same) == sorted(
            (row for row in rows if row[1].date() == day), key=same)
        order = [(line.start, line.chair is None, position.get(line.chair, 0), line.chair or "",
                  keys[line.patient_id], line.id) for line in agenda]
        assert order == sorted(order)


# --- PostgreSQL ---------------------------------------------------------------------------------

def test_calendar_on_postgres(postgres_db, monkeypatch):
    from frontdesk.services import calendar
    build_week()
    assert day_counts(D(2026, 11, 1), D(2026, 11, 30)) == {
        D(2026, 11, 22): 1, MONDAY: 7, D(2026, 11, 24): 2, D(2026, 11, 30): 1}
    monkeypatch.setattr(calendar, "DAYS_PER_QUERY", 7)
    assert day_counts(D(2026, 1, 1), D(2026, 12, 31)) == {  # in parts
        D(2026, 11, 22): 1, MONDAY: 7, D(2026, 11, 24): 2, D(2026, 11, 30): 1,
        D(2026, 12, 1): 1}
    assert [(line.start.time(), line.chair, line.chart) for line in day_agenda(MONDAY)] == [
        (dt.time(8), "A-side", "C-6"), (dt.time(9), "Chair 1", "C-1"),
        (dt.time(9), "Chair 1", "C-2"), (dt.time(9), "Chair 2", "C-6"),
        (dt.time(9), "Chair 10", "C-5"), (dt.time(9), None, "C-3"), (dt.time(9), None, "C-4"),
        (dt.time(10, 30), "Chair 3", "C-3"), (dt.time(23, 30), None, "C-7")]
