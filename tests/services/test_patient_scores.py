"""The patient detail's scores over time and its progress assessment (DOMAIN.md: due about 2
days after the last stabilization infusion and after each maintenance infusion), on real
databases, through the same services the desk and the check-in use."""

from __future__ import annotations

import datetime as dt

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.domain.model import Kind, Phase, Status
from frontdesk.services import flow
from frontdesk.services.patients import ScorePoint, patient_detail

from test_patients import add_patient

D = dt.date
T = dt.datetime
TODAY = D(2026, 11, 21)  # the fixed clock of tests/conftest.py
STAFF = "test"


def add_scores(patient_id: int, *sittings: tuple[dt.datetime, int | None, int | None]) -> None:
    with write_transaction():
        staff = m.Staff.get_or_create(username=STAFF, defaults={"created_at": T(2026, 1, 1)})[0]
        for taken_at, phq9, gad7 in sittings:
            m.Measurement.create(patient=patient_id, taken_at=taken_at, phq9=phq9, gad7=gad7,
                                 staff=staff.id)


def booked_today(patient_id: int) -> int:
    return (m.Appointment.select(m.Appointment.id)
            .where(m.Appointment.patient == patient_id,
                   m.Appointment.status == Status.BOOKED.value).get().id)


def complete(appointment_id: int, *, phq9: int | None = None, gad7: int | None = None) -> None:
    """The day's flow: checked in (with the paper forms' scores), chair, recovery, done."""
    flow.check_in(appointment_id, staff=STAFF, phq9=phq9, gad7=gad7)
    for status in (Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED):
        flow.set_status(appointment_id, status, staff=STAFF)


def maintenance_patient(chart: str = "C-1", *visits) -> int:
    return add_patient(chart, "Ana", "Reyes", phase=Phase.MAINTENANCE,
                       phase_since=D(2026, 6, 1), visits=visits)


# --- scores over time -------------------------------------------------------------------------

def test_scores_come_oldest_first_with_either_measure_missing(db_path):
    pid = maintenance_patient()
    add_scores(pid, (T(2026, 11, 2, 9), 12, None), (T(2026, 10, 1, 9), 20, 15),
               (T(2026, 10, 15, 9), None, 11))
    detail = patient_detail(pid, TODAY)
    assert detail.scores == (ScorePoint(T(2026, 10, 1, 9), 20, 15),
                             ScorePoint(T(2026, 10, 15, 9), None, 11),
                             ScorePoint(T(2026, 11, 2, 9), 12, None))


def test_scores_taken_after_the_date_are_left_out(db_path):
    pid = maintenance_patient()
    add_scores(pid, (T(2026, 11, 19, 9), 14, 10), (T(2026, 11, 20, 23, 59), 13, 9),
               (T(2026, 11, 21, 0, 0), 12, 8))
    assert [p.phq9 for p in patient_detail(pid, D(2026, 11, 20)).scores] == [14, 13]
    assert [p.phq9 for p in patient_detail(pid, D(2026, 11, 21)).scores] == [14, 13, 12]
    assert patient_detail(pid, D(2026, 11, 18)).scores == ()


def test_scores_are_capped_to_the_latest(db_path):
    pid = maintenance_patient()
    add_scores(pid, *[(T(2026, 1, 1, 9) + dt.timedelta(days=7 * week), week % 28, None)
                      for week in range(30)])
    scores = patient_detail(pid, TODAY).scores
    assert len(scores) == 24
    assert [p.phq9 for p in scores] == list(range(6, 28)) + [0, 1]
    assert scores == tuple(sorted(scores, key=lambda p: p.taken_at))
    assert len(patient_detail(pid, TODAY, scores=5).scores) == 5


def test_another_patients_scores_do_not_show(db_path):
    pid = maintenance_patient("C-1")
    other = maintenance_patient("C-2")
    add_scores(other, (T(2026, 11, 2, 9), 12, 7))
    assert patient_detail(pid, TODAY).scores == ()


# --- the progress assessment ------------------------------------------------------------------

def test_due_two_days_after_the_infusion_that_ends_the_series(db_path):
    pid = add_patient("C-1", "Ana", "Reyes", phase=Phase.STABILIZATION,
                      phase_since=D(2026, 11, 10), target=3,
                      visits=[(T(2026, 11, 10, 9), Kind.INFUSION, Status.COMPLETED),
                              (T(2026, 11, 14, 9), Kind.INFUSION, Status.COMPLETED),
                              (T(2026, 11, 21, 9), Kind.INFUSION, Status.BOOKED)])
    assert patient_detail(pid, TODAY).assessment_due_on is None  # still in the series
    complete(booked_today(pid))
    detail = patient_detail(pid, TODAY)
    assert detail.phase == Phase.MAINTENANCE and detail.last_infusion == TODAY
    assert detail.assessment_due_on == TODAY + dt.timedelta(days=2)


def test_due_the_day_after_a_maintenance_infusion(db_path):
    pid = maintenance_patient("C-1", (T(2026, 10, 20, 9), Kind.INFUSION, Status.COMPLETED),
                              (T(2026, 11, 21, 9), Kind.INFUSION, Status.BOOKED))
    add_scores(pid, (T(2026, 10, 22, 9), 9, 6))  # settled the October infusion's
    assert patient_detail(pid, TODAY).assessment_due_on is None
    complete(booked_today(pid))
    assert patient_detail(pid, TODAY).assessment_due_on == D(2026, 11, 22)


def test_scores_from_the_infusions_own_check_in_do_not_settle_it(db_path):
    pid = maintenance_patient("C-1", (T(2026, 11, 21, 9), Kind.INFUSION, Status.BOOKED))
    complete(booked_today(pid), phq9=11, gad7=8)
    detail = patient_detail(pid, TODAY)
    assert [(p.phq9, p.gad7) for p in detail.scores] == [(11, 8)]
    assert detail.assessment_due_on == D(2026, 11, 22)
    assert patient_detail(pid, D(2026, 11, 25)).assessment_due_on == D(2026, 11, 22)


def test_scores_on_a_later_day_settle_it(db_path):
    pid = maintenance_patient("C-1", (T(2026, 11, 21, 9), Kind.INFUSION, Status.BOOKED))
    complete(booked_today(pid))
    clock.set_today(D(2026, 11, 23))
    flow.record_scores(pid, staff=STAFF, phq9=7)
    assert patient_detail(pid, D(2026, 11, 23)).assessment_due_on is None
    # looking back at a day before those scores: it was still outstanding
    assert patient_detail(pid, D(2026, 11, 22)).assessment_due_on == D(2026, 11, 22)


def test_an_infusion_after_the_date_does_not_count_yet(db_path):
    pid = maintenance_patient("C-1", (T(2026, 11, 2, 9), Kind.INFUSION, Status.COMPLETED),
                              (T(2026, 11, 19, 9), Kind.INFUSION, Status.COMPLETED))
    add_scores(pid, (T(2026, 11, 10, 9), 9, 6))
    assert patient_detail(pid, D(2026, 11, 12)).assessment_due_on is None
    assert patient_detail(pid, D(2026, 11, 20)).assessment_due_on == D(2026, 11, 20)


def test_none_outside_maintenance(db_path):
    visits = [(T(2026, 11, 2, 9), Kind.INFUSION, Status.COMPLETED)]
    for n, phase in enumerate(p for p in Phase if p != Phase.MAINTENANCE):
        pid = add_patient(f"C-{n}", "Ana", "Reyes", phase=phase, phase_since=D(2026, 10, 1),
                          visits=visits)
        assert patient_detail(pid, TODAY).assessment_due_on is None, phase


def test_none_in_maintenance_without_a_completed_infusion(db_path):
    pid = maintenance_patient("C-1", (T(2026, 11, 2, 9), Kind.INFUSION, Status.NO_SHOW))
    assert patient_detail(pid, TODAY).assessment_due_on is None
