"""The lists computed in SQL (services.lists) agree with the reference rules (domain.lists)
on randomly generated clinics with phase histories, at as-of dates chosen to hit calendar
edges, today's and past ones, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.db import models as m
from frontdesk.db.bulk import insert_rows
from frontdesk.db.connection import write_transaction
from frontdesk.domain.lists import PatientRecord, Visit, compute_lists
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.domain.phases import PhaseChange
from frontdesk.services.lists import desk_lists

from chair_support import ChairPlan

AS_OF_DATES = [dt.date(2026, 11, 21), dt.date(2026, 3, 31), dt.date(2026, 3, 1),
               dt.date(2028, 2, 29), dt.date(2028, 3, 30), dt.date(2026, 12, 31)]
NOW = dt.datetime(2026, 1, 1, 12, 0)
TODAY = dt.date(2026, 11, 21)  # the fixed clock of tests/conftest.py


def examples(n: int):
    """Hypothesis settings for tests that write a database each example."""
    return settings(max_examples=n, deadline=None, suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _day_offsets():
    # mostly near the interesting boundaries: 7 days, ~1 month, 1-3 months back
    return st.one_of(st.integers(-100, 20), st.sampled_from([-1, 0, 1, -7, -8, -28, -29, -30,
                                                               -31, -32, -59, -60, -61, -92]))


@st.composite
def histories(draw, base: dt.date, registered_on: dt.date):
    """A phase history as the clinic writes one (each change from the phase the one before
    moved to; the first from nothing on the registration day, or from a phase when the
    history does not reach back; from_since recorded by the desk, not by imports), and, as
    every change is stamped with the clock, none after today (the tests' fixed TODAY)."""
    n = draw(st.sampled_from([0, 0, 1, 2, 3]))
    if n == 0:
        return ()
    from_nothing = draw(st.booleans())
    day = registered_on if from_nothing else base + dt.timedelta(days=draw(_day_offsets()))
    phase, since, changes = None if from_nothing else draw(st.sampled_from(list(Phase))), None, []
    for _ in range(n):
        if day > TODAY:
            break
        to = draw(st.sampled_from(list(Phase)))
        at = dt.datetime.combine(day, dt.time(draw(st.sampled_from([0, 9, 23])), 15))
        recorded = since if since is not None and draw(st.booleans()) else None
        changes.append(PhaseChange(at=at, from_phase=phase, to_phase=to, from_since=recorded))
        phase, since = to, day
        day += dt.timedelta(days=draw(st.sampled_from([0, 1, 7, 8, 29, 31])))
    return tuple(changes)


@st.composite
def clinics(draw, bases=AS_OF_DATES):
    """(patients, as_of): as of today, or a day before or after it, whose history reaches
    past it or not."""
    base = draw(st.sampled_from(bases))
    patients = []
    for n in range(draw(st.integers(1, 12))):
        registered_on = base + dt.timedelta(days=draw(_day_offsets()))
        history = draw(histories(base, registered_on))
        phase = draw(st.sampled_from(list(Phase)))
        phase_since = base + dt.timedelta(days=draw(_day_offsets()))
        if history:  # the stored columns are where the history ends
            phase, phase_since = history[-1].to_phase, history[-1].at.date()
        visits = tuple(
            Visit(start=dt.datetime.combine(base + dt.timedelta(days=draw(_day_offsets())),
                                            dt.time(draw(st.sampled_from([8, 9, 12, 16])), 30)),
                  kind=draw(st.sampled_from(list(Kind))),
                  status=draw(st.sampled_from(list(Status))))
            for _ in range(draw(st.integers(0, 6))))
        patients.append(PatientRecord(
            patient_id=f"P-{n:03d}",
            last_name=draw(st.sampled_from(["Núñez", "Nunez", "O'Brien", "Abe", "Zoë"])),
            first_name=draw(st.sampled_from(["Ana", "Bo", "X"])),
            phase=phase, phase_since=phase_since, registered_on=registered_on,
            stabilization_target=draw(st.integers(3, 8)),
            maintenance_interval_months=draw(st.integers(1, 12)),
            visits=visits, history=history))
    as_of = base + dt.timedelta(days=draw(st.sampled_from([0, 0, 0, 1, -1, 7, -40])))
    return patients, as_of


def _store(patients: list[PatientRecord]) -> None:
    with write_transaction():
        m.Appointment.delete().execute()
        m.PhaseChange.delete().execute()
        m.Patient.delete().execute()
        staff = m.Staff.get_or_create(username="test", defaults={"created_at": NOW})[0].id
        chairs = dict(m.Chair.select(m.Chair.name, m.Chair.id).order_by(m.Chair.position)
                      .tuples())
        # the guard wants one infusion at a time in a chair: the lists ignore chairs
        plan, names = ChairPlan(), list(chairs)
        placed = []
        for p in patients:
            for v in p.visits:
                end = v.start + dt.timedelta(minutes=90)
                chair = plan.place(v.kind, v.status, v.start, end, names[0], names)
                if chair is None:  # every chair taken: one more chair
                    chair = f"Extra {len(chairs)}"
                    chairs[chair] = m.Chair.create(name=chair, position=len(chairs) + 1).id
                    names.append(chair)
                    plan.place(v.kind, v.status, v.start, end, chair, names)
                placed.append(chairs[chair])
        insert_rows(m.Patient, ["chart_number", "first_name", "last_name", "search_key",
                                "date_of_birth", "phone", "phase", "phase_since",
                                "stabilization_target", "maintenance_interval_months",
                                "registered_on", "created_at", "updated_at"],
                    [(p.patient_id, p.first_name, p.last_name, "", dt.date(1980, 1, 1),
                      "+16502530000", p.phase.value, p.phase_since, p.stabilization_target,
                      p.maintenance_interval_months, p.registered_on, NOW, NOW)
                     for p in patients])
        ids = dict(m.Patient.select(m.Patient.chart_number, m.Patient.id).tuples())
        insert_rows(m.PhaseChange, ["patient", "at", "staff", "from_phase", "to_phase",
                                    "reason", "from_since"],
                    [(ids[p.patient_id], c.at, staff, c.from_phase and c.from_phase.value,
                      c.to_phase.value, "", c.from_since)
                     for p in patients for c in p.history])
        insert_rows(m.Appointment, ["patient", "kind", "start", "duration_minutes", "ends_at",
                                    "chair", "status", "status_at", "status_by", "booked_at",
                                    "booked_by"],
                    [(ids[p.patient_id], v.kind.value, v.start, 90,
                      v.start + dt.timedelta(minutes=90), chair, v.status.value, NOW, staff,
                      NOW, staff)
                     for chair, (p, v) in zip(placed, ((p, v) for p in patients
                                                       for v in p.visits))])


@examples(150)
@given(clinic=clinics())
def test_sql_lists_agree_with_the_rules(any_db, clinic):
    patients, as_of = clinic
    _store(patients)
    assert desk_lists(as_of) == compute_lists(patients, as_of)


@examples(60)
@given(clinic=clinics(bases=[d for d in AS_OF_DATES if d < TODAY]))
def test_lists_agree_whichever_way_a_past_day_reads_the_phase_history(any_db, clinic):
    """As of a past day the phase comes from the stored columns for the patients the history
    did not change since, and from the history for the others: named in the query when they
    are few, or the history read for everyone when they are many. Every way agrees."""
    from frontdesk.services import lists
    patients, as_of = clinic
    _store(patients)
    expected = compute_lists(patients, as_of)
    sizes = {name: len(getattr(expected, name)) for name in
             ("mid_stabilization", "due_for_maintenance", "not_seen_over_a_month")}
    few = lists.FEW_CHANGED
    try:
        for lists.FEW_CHANGED in (0, 1, few):
            assert lists.desk_lists(as_of) == expected
            assert lists.list_sizes(as_of) == sizes
    finally:
        lists.FEW_CHANGED = few


def test_agreement_is_not_vacuous(db_path):
    """A hand-made clinic where every list is non-empty, so the comparison has teeth."""
    d = dt.date(2026, 11, 21)
    at = lambda day, hour=9: dt.datetime.combine(day, dt.time(hour))
    patients = [
        PatientRecord("S-1", "Stab", "Ann", Phase.STABILIZATION, d - dt.timedelta(days=20),
                      d - dt.timedelta(days=40), visits=(
                          Visit(at(d - dt.timedelta(days=20)), Kind.INFUSION, Status.COMPLETED),
                          Visit(at(d - dt.timedelta(days=30)), Kind.INFUSION, Status.COMPLETED))),
        PatientRecord("M-1", "Maint", "Bo", Phase.MAINTENANCE, dt.date(2026, 6, 1),
                      dt.date(2026, 1, 1), maintenance_interval_months=1, visits=(
                          Visit(at(dt.date(2026, 10, 20)), Kind.INFUSION, Status.COMPLETED),)),
        PatientRecord("N-1", "Never", "Cy", Phase.INTAKE, dt.date(2026, 9, 1),
                      dt.date(2026, 9, 1)),
    ]
    _store(patients)
    got = desk_lists(d)
    assert got == compute_lists(patients, d)
    assert [e.patient_id for e in got.mid_stabilization] == ["S-1"]
    assert got.mid_stabilization[0].stalled  # last infusion 20 days ago, nothing booked
    assert [(e.patient_id, e.due_on, e.overdue) for e in got.due_for_maintenance] == [
        ("M-1", dt.date(2026, 11, 20), True)]
    # never seen first; M-1 last seen Oct 20, the day before the one-month cutoff
    assert [e.patient_id for e in got.not_seen_over_a_month] == ["N-1", "M-1"]


@examples(60)
@given(clinic=clinics())
def test_list_sizes_count_the_same_members(any_db, clinic):
    from frontdesk.services.lists import list_sizes
    patients, as_of = clinic
    _store(patients)
    expected = compute_lists(patients, as_of)
    assert list_sizes(as_of) == {name: len(getattr(expected, name)) for name in
                                 ("mid_stabilization", "due_for_maintenance",
                                  "not_seen_over_a_month")}
