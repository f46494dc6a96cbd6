"""The day's flow (services.flow) on real databases: status changes along DOMAIN.md's flow with
versions, who and when; cancellations (late or not); the automatic phase moves when an
infusion is completed; undo; check-in with the questionnaire scores; walk-ins and their
chairs; the board, its summary and its alerts.

Time is fixed: `clock.now` is replaced by a clock the test sets (the application's own
`clock.now` keeps the real time of day), and walk_in is given `now=`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from collections import Counter

import pytest

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.model import (DEFAULT_DURATION_MINUTES, STATUS_WORDS, Kind, Phase,
                                    Status, is_late_cancellation)
from frontdesk.domain.status_flow import NeedsConfirmation, alert_for, next_statuses
from frontdesk.domain.validation import name_key
from frontdesk.services import flow
from frontdesk.services.flow import (BoardLine, StatusChange, appointment_line, board_ids,
                                     board_lines, board_summary, check_in, record_scores,
                                     set_status, today_for_patient, undo, walk_in)
from frontdesk.services.patients import rows_for_ids

D = dt.date
A, E, P = m.Appointment, m.AppointmentEvent, m.Patient
B, ARR, CH, REC, DONE, NS, X = (Status.BOOKED, Status.ARRIVED, Status.IN_CHAIR,
                                Status.RECOVERY, Status.COMPLETED, Status.NO_SHOW,
                                Status.CANCELLED)
INF, CONSULT, ASSESS = Kind.INFUSION, Kind.CONSULT, Kind.ASSESSMENT

FRIDAY, SATURDAY, SUNDAY = D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 22)
MONDAY, TUESDAY = D(2026, 11, 23), D(2026, 11, 24)
SINCE = D(2026, 11, 2)           # when the test patients' phase began
DEFAULT = object()


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second))


BOOKED_AT = at(SINCE, 12)         # when the test appointments were booked


# --- fixtures and helpers -----------------------------------------------------------------------

class DeskClock:
    """The time every service reads (clock.now), set by the test."""

    def __init__(self) -> None:
        self.now = at(MONDAY, 9)

    def set(self, when: dt.datetime) -> dt.datetime:
        self.now = when
        clock.set_today(when.date())
        return when


@pytest.fixture
def desk_clock(monkeypatch) -> DeskClock:
    desk = DeskClock()
    desk.set(at(MONDAY, 9))
    monkeypatch.setattr(clock, "now", lambda: desk.now)
    return desk


def add_patient(chart: str = "C-1", first: str = "Ann", last: str = "Abe", *,
                phase: Phase = Phase.MAINTENANCE, since: dt.date = SINCE,
                target: int = 6) -> int:
    with write_transaction():
        return P.create(chart_number=chart, first_name=first, last_name=last,
                        search_key=name_key(first, last), date_of_birth=D(1980, 1, 1),
                        phone="+16502530000", phase=phase.value, phase_since=since,
                        stabilization_target=target, registered_on=D(2026, 1, 5),
                        created_at=BOOKED_AT, updated_at=BOOKED_AT).id


def add_appointment(patient: int, start: dt.datetime, kind: Kind = INF,
                    status: Status = B, *, chair=DEFAULT, minutes: int | None = None,
                    status_at: dt.datetime = BOOKED_AT) -> int:
    """An appointment written directly (booked by "booker" at BOOKED_AT); an infusion goes
    in Chair 1 unless told otherwise."""
    if chair is DEFAULT:
        chair = "Chair 1" if kind == INF else None
    minutes = minutes or DEFAULT_DURATION_MINUTES[kind]
    with write_transaction():
        staff = m.Staff.get_or_create(username="booker",
                                      defaults={"created_at": BOOKED_AT})[0].id
        return A.create(patient=patient, kind=kind.value, start=start,
                        duration_minutes=minutes, ends_at=start + dt.timedelta(minutes=minutes),
                        chair=m.Chair.get(m.Chair.name == chair).id if chair else None,
                        status=status.value, status_at=status_at, status_by=staff,
                        booked_at=BOOKED_AT, booked_by=staff).id


def appt(aid: int) -> m.Appointment:
    return A.get_by_id(aid)


def username(staff_id: int | None) -> str | None:
    return None if staff_id is None else m.Staff.get_by_id(staff_id).username


def events(aid: int) -> list[tuple]:
    """(from, to, at, staff, reason, from_status_at, from_status_by, undoes) of each event."""
    return [(e.from_status, e.to_status, e.at, username(e.staff_id), e.reason,
             e.from_status_at, username(e.from_status_by_id), e.undoes_id)
            for e in E.select().where(E.appointment == aid).order_by(E.id)]


def phase_changes(pid: int) -> list[tuple]:
    """(from, to, at, staff, reason, from_since, appointment_event) of each change."""
    return [(c.from_phase, c.to_phase, c.at, username(c.staff_id), c.reason, c.from_since,
             c.appointment_event_id)
            for c in m.PhaseChange.select().where(m.PhaseChange.patient == pid)
            .order_by(m.PhaseChange.id)]


def audits(action: str | None = None) -> list[tuple]:
    query = m.AuditEntry.select().order_by(m.AuditEntry.id)
    if action:
        query = query.where(m.AuditEntry.action == action)
    return [(a.at, username(a.staff_id), a.action, a.entity, a.entity_id, json.loads(a.detail))
            for a in query]


def status_of(aid: int) -> tuple:
    row = appt(aid)
    return (row.status, row.status_at, username(row.status_by_id), row.version)


def patient_phase(pid: int) -> tuple:
    row = P.get_by_id(pid)
    return (row.phase, row.phase_since, row.version)


TABLES = [m.Staff, m.Chair, m.Patient, m.Appointment, m.AppointmentEvent, m.PhaseChange,
          m.Measurement, m.AuditEntry, m.ClinicSetting]


def state() -> dict[str, list[tuple]]:
    """Every row that a flow service writes (to prove a refusal wrote nothing)."""
    return {t.__name__: list(t.select().order_by(*t._meta.get_primary_keys()).tuples())
            for t in TABLES}


def walk(aid: int, desk: DeskClock, steps) -> list[StatusChange]:
    """set_status through (status, time, staff) steps, naming the version each time."""
    changes = []
    for status, when, staff in steps:
        desk.set(when)
        changes.append(set_status(aid, status, staff=staff,
                                  expected_version=appt(aid).version))
    return changes


# --- set_status: the flow -------------------------------------------------------------------------

def test_an_infusion_walks_the_whole_flow(any_db, desk_clock):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 10))
    steps = [(ARR, at(MONDAY, 9, 58, 12), "ann"), (CH, at(MONDAY, 10, 5), "bob"),
             (REC, at(MONDAY, 10, 50), "ann"), (DONE, at(MONDAY, 11, 31), "cy")]
    changes = walk(aid, desk_clock, steps)
    ids = [e.id for e in E.select().where(E.appointment == aid).order_by(E.id)]
    assert changes == [
        StatusChange(appointment_id=aid, event_id=ids[n], from_status=before, to_status=after,
                     version=n + 2, chair="Chair 1")
        for n, (before, after) in enumerate(zip([B, ARR, CH, REC], [ARR, CH, REC, DONE]))]
    assert status_of(aid) == ("completed", at(MONDAY, 11, 31), "cy", 5)
    # each event: from, to, when, who, and the status's time and author it replaced
    assert events(aid) == [
        ("booked", "arrived", at(MONDAY, 9, 58, 12), "ann", "", BOOKED_AT, "booker", None),
        ("arrived", "in_chair", at(MONDAY, 10, 5), "bob", "", at(MONDAY, 9, 58, 12), "ann",
         None),
        ("in_chair", "recovery", at(MONDAY, 10, 50), "ann", "", at(MONDAY, 10, 5), "bob", None),
        ("recovery", "completed", at(MONDAY, 11, 31), "cy", "", at(MONDAY, 10, 50), "ann",
         None)]
    assert audits("set_status") == [
        (when, staff, "set_status", "appointment", aid, {"to": status.value})
        for status, when, staff in steps]
    assert patient_phase(pid) == ("maintenance", SINCE, 1)   # a maintenance patient stays


@pytest.mark.parametrize("kind", [CONSULT, ASSESS])
def test_consults_and_assessments_skip_the_chair(db_path, desk_clock, kind):
    pid = add_patient(phase=Phase.INTAKE)
    aid = add_appointment(pid, at(MONDAY, 10), kind)
    arrived, = walk(aid, desk_clock, [(ARR, at(MONDAY, 9, 50), "ann")])
    assert arrived.chair is None and arrived.to_status == ARR
    for skipped in (CH, REC):
        with pytest.raises(Conflict):
            set_status(aid, skipped, staff="ann")
    done, = walk(aid, desk_clock, [(DONE, at(MONDAY, 10, 40), "bob")])
    assert (done.from_status, done.to_status, done.version, done.phase_moved) == (
        ARR, DONE, 3, None)
    assert status_of(aid) == ("completed", at(MONDAY, 10, 40), "bob", 3)
    assert [(e[0], e[1]) for e in events(aid)] == [("booked", "arrived"),
                                                   ("arrived", "completed")]
    assert patient_phase(pid) == ("intake", SINCE, 1)        # a consult never moves the phase
    assert phase_changes(pid) == []


EVERY_CHANGE = [(kind, current, new) for kind in Kind for current in Status for new in Status]


@pytest.mark.parametrize(("kind", "current", "new"), EVERY_CHANGE,
                         ids=[f"{k}-{c}-{n}" for k, c, n in EVERY_CHANGE])
def test_every_status_change_follows_the_flow(db_path, desk_clock, kind, current, new):
    """Each kind x from x to: what domain.status_flow allows is done (and recorded), the rest
    is refused with nothing written. (At 09:00 for 08:30: a no-show needs no confirmation.)"""
    pid = add_patient(phase=Phase.MAINTENANCE)
    aid = add_appointment(pid, at(MONDAY, 8, 30), kind, current)
    before = state()
    if new in next_statuses(kind, current):
        change = set_status(aid, new, staff="ann")
        assert (change.from_status, change.to_status, change.version) == (current, new, 2)
        assert status_of(aid) == (new.value, at(MONDAY, 9), "ann", 2)
        assert events(aid) == [(current.value, new.value, at(MONDAY, 9), "ann", "", BOOKED_AT,
                                "booker", None)]
        assert len(audits("set_status")) == 1
    else:
        with pytest.raises(Conflict) as err:
            set_status(aid, new, staff="ann")
        message = str(err.value)
        assert str(current) in message and str(new) in message and "\n" not in message
        assert state() == before


@pytest.mark.parametrize("status", ["done", "Arrived", "", "in chair", None, 3])
def test_an_unknown_status_is_refused(db_path, desk_clock, status):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    before = state()
    with pytest.raises(ValidationError) as err:
        set_status(aid, status, staff="ann")
    assert "unknown status" in str(err.value) and "in_chair" in str(err.value)
    assert state() == before


def test_a_status_is_given_as_a_status_or_its_name(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    assert set_status(aid, "arrived", staff="ann").to_status is ARR
    assert set_status(aid, Status.IN_CHAIR, staff="ann").to_status is CH


def test_an_unknown_appointment_is_not_found(db_path, desk_clock):
    add_appointment(add_patient(), at(MONDAY, 10))
    before = state()
    with pytest.raises(NotFound):
        set_status(999, ARR, staff="ann")
    assert state() == before                                  # not even the staff row


def test_a_stale_version_is_refused_and_changes_nothing(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    shown = appt(aid).version                                 # what the first desk shows
    desk_clock.set(at(MONDAY, 9, 58))
    set_status(aid, ARR, staff="bob", expected_version=shown)   # another desk checks in
    before = state()
    desk_clock.set(at(MONDAY, 10, 2))
    for status in (ARR, CH, X):
        with pytest.raises(Conflict) as err:
            set_status(aid, status, staff="ann", expected_version=shown)
        message = str(err.value)
        assert "someone else changed" in message
        assert "arrived" in message and "bob" in message and "09:58" in message
        assert "nothing was changed" in message
    with pytest.raises(Conflict, match="someone else changed"):
        check_in(aid, staff="ann", expected_version=shown, phq9=5)
    assert state() == before
    # with the version now shown, it goes through
    assert set_status(aid, CH, staff="ann", expected_version=shown + 1).version == shown + 2


# --- cancellations ----------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "late"), [
    (at(FRIDAY, 10), False),
    (at(SUNDAY, 9, 59, 59), False),
    (at(SUNDAY, 10), False),             # exactly 24 h before: not late
    (at(SUNDAY, 10, 0, 1), True),
    (at(MONDAY, 9, 30), True),
    (at(MONDAY, 10, 30), True),          # after the start
])
def test_cancel_records_the_reason_and_whether_it_was_late(db_path, desk_clock, now, late):
    start = at(MONDAY, 10)
    assert is_late_cancellation(start, now) is late
    aid = add_appointment(add_patient(), start)
    desk_clock.set(now)
    change = set_status(aid, X, staff="ann", reason="  flu, will call back \n")
    assert (change.to_status, change.late_cancellation) == (X, late)
    row = appt(aid)
    assert (row.status, row.late_cancellation, row.cancel_reason) == (
        "cancelled", late, "flu, will call back")
    assert (row.status_at, username(row.status_by_id)) == (now, "ann")
    assert events(aid)[-1][:5] == ("booked", "cancelled", now, "ann", "flu, will call back")
    assert audits("set_status")[-1][-1] == ({"to": "cancelled", "late": True} if late
                                            else {"to": "cancelled"})


def test_cancel_without_a_reason_stores_none(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    set_status(aid, X, staff="ann", reason="   ")
    assert (appt(aid).cancel_reason, appt(aid).late_cancellation) == (None, True)


def test_a_no_show_is_not_a_cancellation(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 8))
    change = set_status(aid, NS, staff="ann", reason="no answer")
    row = appt(aid)
    assert (row.status, row.late_cancellation, row.cancel_reason) == ("no_show", False, None)
    assert change.late_cancellation is False
    assert events(aid)[-1][4] == "no answer"


# --- the automatic phase moves ----------------------------------------------------------------

def complete(aid: int, desk: DeskClock, when: dt.datetime, staff: str = "ann") -> StatusChange:
    """An infusion in recovery, completed at `when`."""
    desk.set(when)
    return set_status(aid, DONE, staff=staff, expected_version=appt(aid).version)


def test_the_first_infusion_completed_starts_stabilization(any_db, desk_clock):
    pid = add_patient(phase=Phase.INTAKE)
    aid = add_appointment(pid, at(MONDAY, 10), status=REC)
    change = complete(aid, desk_clock, at(MONDAY, 11, 40), "cy")
    assert change.phase_moved == (Phase.INTAKE, Phase.STABILIZATION)
    assert patient_phase(pid) == ("stabilization", MONDAY, 2)
    assert P.get_by_id(pid).updated_at == at(MONDAY, 11, 40)
    assert phase_changes(pid) == [("intake", "stabilization", at(MONDAY, 11, 40), "cy",
                                   "automatic: first infusion completed", SINCE,
                                   change.event_id)]
    assert audits("phase_change") == [(at(MONDAY, 11, 40), "cy", "phase_change", "patient", pid,
                                       {"to": "stabilization", "automatic": True})]
    assert appointment_line(aid).badge == "STAB 1/6"


def test_phase_since_is_the_infusions_day_even_when_completed_later(db_path, desk_clock):
    """A completion recorded on a later day still counts: k counts infusions by their start."""
    pid = add_patient(phase=Phase.INTAKE)
    aid = add_appointment(pid, at(FRIDAY, 16), status=REC)
    desk_clock.set(at(MONDAY, 8, 5))
    change = set_status(aid, DONE, staff="ann", confirmed=True)  # a past day: confirmed
    assert change.phase_moved == (Phase.INTAKE, Phase.STABILIZATION)
    assert patient_phase(pid)[:2] == ("stabilization", FRIDAY)
    assert rows_for_ids([pid], MONDAY)[0].badge == "STAB 1/6"


@pytest.mark.parametrize("target", [3, 6, 8])
def test_the_nth_infusion_ends_stabilization(db_path, desk_clock, target):
    pid = add_patient(phase=Phase.STABILIZATION, since=SINCE, target=target)
    # none of these count: before phase_since, not an infusion, not completed
    add_appointment(pid, at(D(2026, 10, 30), 9), status=DONE)
    add_appointment(pid, at(SINCE, 9), CONSULT, DONE)
    add_appointment(pid, at(D(2026, 11, 3), 9), status=X)
    add_appointment(pid, at(D(2026, 11, 3), 11), status=NS)
    for n in range(target - 2):                            # 1 .. N-2 (the first on phase_since)
        add_appointment(pid, at(SINCE + dt.timedelta(days=n), 14), status=DONE)
    next_to_last = add_appointment(pid, at(MONDAY, 8), status=REC)
    last = add_appointment(pid, at(TUESDAY, 10), status=REC, chair="Chair 2")
    assert rows_for_ids([pid], MONDAY)[0].badge == f"STAB {target - 2}/{target}"

    change = complete(next_to_last, desk_clock, at(MONDAY, 9, 40))
    assert change.phase_moved is None
    assert patient_phase(pid) == ("stabilization", SINCE, 1)
    assert phase_changes(pid) == []
    assert rows_for_ids([pid], MONDAY)[0].badge == f"STAB {target - 1}/{target}"

    change = complete(last, desk_clock, at(TUESDAY, 11, 35), "bob")
    assert change.phase_moved == (Phase.STABILIZATION, Phase.MAINTENANCE)
    assert patient_phase(pid) == ("maintenance", TUESDAY, 2)
    assert phase_changes(pid) == [
        ("stabilization", "maintenance", at(TUESDAY, 11, 35), "bob",
         f"automatic: infusion {target} of {target} completed", SINCE, change.event_id)]


@pytest.mark.parametrize("kind", [CONSULT, ASSESS])
@pytest.mark.parametrize(("phase", "done_before"), [(Phase.INTAKE, 0),
                                                    (Phase.STABILIZATION, 2)])
def test_a_consult_or_assessment_never_moves_the_phase(db_path, desk_clock, kind, phase,
                                                      done_before):
    pid = add_patient(phase=phase, target=3)
    for n in range(done_before):
        add_appointment(pid, at(SINCE + dt.timedelta(days=n), 9), status=DONE)
    aid = add_appointment(pid, at(MONDAY, 10), kind, ARR)
    assert complete(aid, desk_clock, at(MONDAY, 10, 30)).phase_moved is None
    assert patient_phase(pid) == (phase.value, SINCE, 1)
    assert phase_changes(pid) == []


@pytest.mark.parametrize("phase", [Phase.MAINTENANCE, Phase.INTEGRATION, Phase.DISCHARGED])
def test_other_phases_do_not_move_when_an_infusion_is_completed(db_path, desk_clock, phase):
    pid = add_patient(phase=phase, target=3)
    for n in range(5):
        add_appointment(pid, at(SINCE + dt.timedelta(days=n), 9), status=DONE)
    aid = add_appointment(pid, at(MONDAY, 10), status=REC)
    assert complete(aid, desk_clock, at(MONDAY, 11, 30)).phase_moved is None
    assert patient_phase(pid) == (phase.value, SINCE, 1)
    assert phase_changes(pid) == []


# --- undo -----------------------------------------------------------------------------------

def test_undo_of_an_arrival_puts_back_the_booking_as_it_was(any_db, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    desk_clock.set(at(MONDAY, 9, 58))
    arrival = set_status(aid, ARR, staff="ann")
    desk_clock.set(at(MONDAY, 10, 1))
    undone = undo(arrival, staff="bob")
    assert status_of(aid) == ("booked", BOOKED_AT, "booker", 3)
    event_ids = [e.id for e in E.select().where(E.appointment == aid).order_by(E.id)]
    assert undone == StatusChange(appointment_id=aid, event_id=event_ids[-1],
                                  from_status=ARR, to_status=B, version=3)
    assert events(aid) == [
        ("booked", "arrived", at(MONDAY, 9, 58), "ann", "", BOOKED_AT, "booker", None),
        ("arrived", "booked", at(MONDAY, 10, 1), "bob", "undo", at(MONDAY, 9, 58), "ann",
         arrival.event_id)]
    assert audits("undo_status") == [(at(MONDAY, 10, 1), "bob", "undo_status", "appointment",
                                      aid, {"to": "booked"})]
    # and the appointment goes on as any booked one
    assert set_status(aid, ARR, staff="ann", expected_version=3).version == 4


def test_undo_of_a_cancellation_clears_its_lateness_and_reason(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    desk_clock.set(at(MONDAY, 7, 30))
    cancel = set_status(aid, X, staff="ann", reason="car broke down")
    assert cancel.late_cancellation and appt(aid).late_cancellation
    desk_clock.set(at(MONDAY, 7, 31))
    undone = undo(cancel, staff="ann")
    assert (undone.from_status, undone.to_status, undone.late_cancellation) == (X, B, False)
    row = appt(aid)
    assert (row.status, row.late_cancellation, row.cancel_reason) == ("booked", False, None)
    assert status_of(aid) == ("booked", BOOKED_AT, "booker", 3)


def test_undo_of_a_no_show(db_path, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 8))
    no_show = set_status(aid, NS, staff="ann")
    undo(no_show, staff="ann")
    assert status_of(aid) == ("booked", BOOKED_AT, "booker", 3)


@pytest.mark.parametrize(("phase", "done_before", "moved"), [
    (Phase.INTAKE, 0, (Phase.INTAKE, Phase.STABILIZATION)),
    (Phase.STABILIZATION, 2, (Phase.STABILIZATION, Phase.MAINTENANCE)),
])
def test_undo_of_a_completion_puts_the_phase_back(any_db, desk_clock, phase, done_before,
                                                   moved):
    pid = add_patient(phase=phase, target=3)
    for n in range(done_before):
        add_appointment(pid, at(SINCE + dt.timedelta(days=n), 9), status=DONE)
    aid = add_appointment(pid, at(MONDAY, 10), status=REC, status_at=at(MONDAY, 10, 50))
    completion = complete(aid, desk_clock, at(MONDAY, 11, 30), "ann")
    assert completion.phase_moved == moved
    assert patient_phase(pid) == (moved[1].value, MONDAY, 2)
    desk_clock.set(at(MONDAY, 11, 32))
    undone = undo(completion, staff="bob")
    assert undone.phase_moved == (moved[1], moved[0])
    assert (undone.from_status, undone.to_status) == (DONE, REC)
    assert status_of(aid) == ("recovery", at(MONDAY, 10, 50), "booker", 3)
    assert patient_phase(pid) == (phase.value, SINCE, 3)
    changes = phase_changes(pid)
    assert len(changes) == 2
    assert changes[1] == (moved[1].value, moved[0].value, at(MONDAY, 11, 32), "bob",
                          "undo: the completed infusion was undone", MONDAY, None)
    assert audits("phase_change")[-1][-1] == {"to": phase.value, "undo": True}
    # completed again: the same move again
    again = complete(aid, desk_clock, at(MONDAY, 11, 40))
    assert again.phase_moved == moved
    assert patient_phase(pid) == (moved[1].value, MONDAY, 4)


def test_undo_is_refused_once_the_appointment_changed_since(any_db, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    arrival, in_chair = walk(aid, desk_clock, [(ARR, at(MONDAY, 9, 55), "ann"),
                                               (CH, at(MONDAY, 10, 3), "bob")])
    before = state()
    with pytest.raises(Conflict) as err:
        undo(arrival, staff="ann")
    assert "changed after that" in str(err.value) and "in chair" in str(err.value)
    assert state() == before


def test_undo_is_refused_when_the_change_was_undone_and_made_again(db_path, desk_clock):
    """Same status as after the change, but not the same change: refused."""
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    first = set_status(aid, ARR, staff="ann")
    undo(first, staff="ann")
    set_status(aid, ARR, staff="bob")
    before = state()
    with pytest.raises(Conflict):
        undo(first, staff="ann")
    assert state() == before


def staff_moves_phase(pid: int, to: Phase, when: dt.datetime) -> None:
    """A phase change by staff, written as a phase-change service writes it."""
    with write_transaction():
        staff = m.Staff.get_or_create(username="manager", defaults={"created_at": when})[0]
        patient = P.get_by_id(pid)
        m.PhaseChange.create(patient=pid, at=when, staff=staff, from_phase=patient.phase,
                             to_phase=to.value, reason="by hand", from_since=patient.phase_since)
        (P.update(phase=to.value, phase_since=when.date(), version=P.version + 1)
         .where(P.id == pid).execute())


@pytest.mark.parametrize("moves", [[Phase.DISCHARGED],
                                   [Phase.MAINTENANCE, Phase.STABILIZATION]])
def test_undo_is_refused_when_the_phase_was_changed_after(db_path, desk_clock, moves):
    """Also when staff moved it away and back: the later change would be lost."""
    pid = add_patient(phase=Phase.INTAKE)
    aid = add_appointment(pid, at(MONDAY, 10), status=REC)
    completion = complete(aid, desk_clock, at(MONDAY, 11, 30))
    for to in moves:
        staff_moves_phase(pid, to, at(MONDAY, 12))
    before = state()
    with pytest.raises(Conflict, match="phase was changed after"):
        undo(completion, staff="ann")
    assert state() == before
    assert appt(aid).status == "completed"


def test_undo_of_a_walk_in_cancels_it(any_db, desk_clock):
    pid = add_patient()
    desk_clock.set(at(MONDAY, 10, 0, 20))
    change = walk_in(pid, INF, staff="ann", now=at(MONDAY, 10, 0, 20))
    desk_clock.set(at(MONDAY, 10, 2))
    undone = undo(change, staff="bob")
    assert (undone.from_status, undone.to_status, undone.version) == (ARR, X, 2)
    row = appt(change.appointment_id)
    assert (row.status, row.cancel_reason, row.late_cancellation) == (
        "cancelled", "walk-in undone", False)
    assert status_of(row.id) == ("cancelled", at(MONDAY, 10, 2), "bob", 2)
    assert events(row.id) == [
        (None, "arrived", at(MONDAY, 10), "ann", "walk-in", None, None, None),
        ("arrived", "cancelled", at(MONDAY, 10, 2), "bob", "undo", at(MONDAY, 10), "ann",
         change.event_id)]
    # the chair is free again
    assert walk_in(add_patient("C-2"), INF, staff="ann", now=at(MONDAY, 10, 3)).chair == \
        "Chair 1"


@pytest.mark.parametrize("kind", ["cancel", "complete", "walk_in"])
def test_an_undo_cannot_itself_be_undone(db_path, desk_clock, kind):
    """Undoing an undo would make the change again without what the change decided (the
    lateness and reason of a cancellation, the phase move of a completion): refused, so the
    desk makes the change again instead."""
    pid = add_patient(phase=Phase.INTAKE)
    if kind == "walk_in":
        change = walk_in(pid, CONSULT, staff="ann", now=at(MONDAY, 9))
    elif kind == "cancel":
        change = set_status(add_appointment(pid, at(MONDAY, 10)), X, staff="ann",
                            reason="ill")
    else:
        change = complete(add_appointment(pid, at(MONDAY, 8), status=REC), desk_clock,
                          at(MONDAY, 9))
    undone = undo(change, staff="ann")
    before = state()
    with pytest.raises(Conflict, match="undo"):
        undo(undone, staff="ann")
    assert state() == before


def test_nothing_is_ever_deleted(db_path, desk_clock):
    """Events, phase changes, scores and audit entries only ever grow, and a row once
    written is never rewritten (the one exception: the scores of a check-in or walk-in that
    is undone go with it, see test_undo_of_a_check_in_takes_the_scores_back)."""
    pid = add_patient(phase=Phase.INTAKE, target=3)
    seen: dict[str, list[tuple]] = {}

    def check() -> None:
        now = state()
        for table in ("AppointmentEvent", "PhaseChange", "Measurement", "AuditEntry"):
            old = seen.get(table, [])
            assert now[table][:len(old)] == old, table
            seen[table] = now[table]

    first = add_appointment(pid, at(MONDAY, 8))
    second = add_appointment(pid, at(TUESDAY, 8))
    steps = [lambda: check_in(first, staff="ann", phq9=12),
             lambda: set_status(first, CH, staff="ann"),
             lambda: set_status(first, REC, staff="ann"),
             lambda: set_status(first, DONE, staff="ann")]
    for step in steps:
        change = step()
        check()
    undo(change, staff="ann")
    check()
    set_status(first, DONE, staff="ann")
    set_status(second, X, staff="ann")
    check()
    walked = walk_in(pid, ASSESS, staff="ann", now=at(MONDAY, 16))
    check()
    undo(walked, staff="ann")
    check()
    assert len(seen["AppointmentEvent"]) == 9 and len(seen["PhaseChange"]) == 3
    assert A.select().count() == 3


# --- check-in -------------------------------------------------------------------------------

def measurements() -> list[tuple]:
    return [(x.patient_id, x.appointment_id, x.taken_at, x.phq9, x.gad7, username(x.staff_id))
            for x in m.Measurement.select().order_by(m.Measurement.id)]


def test_check_in_records_the_arrival_and_the_scores(any_db, desk_clock):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 10))
    desk_clock.set(at(MONDAY, 9, 57))
    change = check_in(aid, staff="ann", expected_version=1, phq9=14, gad7=9)
    assert (change.from_status, change.to_status, change.version) == (B, ARR, 2)
    assert status_of(aid) == ("arrived", at(MONDAY, 9, 57), "ann", 2)
    assert measurements() == [(pid, aid, at(MONDAY, 9, 57), 14, 9, "ann")]
    assert [a[2] for a in audits()] == ["set_status", "record_scores"]


@pytest.mark.parametrize(("phq9", "gad7"), [(None, None), (0, None), (None, 21), (27, 0)])
def test_check_in_with_some_or_no_scores(db_path, desk_clock, phq9, gad7):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 10))
    check_in(aid, staff="ann", phq9=phq9, gad7=gad7)
    assert appt(aid).status == "arrived"
    expected = [] if phq9 is None and gad7 is None else [
        (pid, aid, at(MONDAY, 9), phq9, gad7, "ann")]
    assert measurements() == expected


@pytest.mark.parametrize(("phq9", "gad7"), [
    (28, None), (None, 22), (-1, None), (None, -1), (10, 22), (28, 5), (True, None),
    (None, 7.5), ("12", None),
])
def test_check_in_with_a_bad_score_writes_nothing(db_path, desk_clock, phq9, gad7):
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    before = state()
    with pytest.raises(ValidationError):
        check_in(aid, staff="ann", phq9=phq9, gad7=gad7)
    assert state() == before
    assert appt(aid).status == "booked"


def test_check_in_is_all_or_nothing(db_path, desk_clock, monkeypatch):
    """When the scores cannot be written, the arrival is not kept either."""
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    before = state()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(m.Measurement, "create", broken)
    with pytest.raises(RuntimeError):
        check_in(aid, staff="ann", phq9=3)
    assert state() == before


@pytest.mark.parametrize("status", [ARR, CH, DONE, NS, X])
def test_check_in_of_an_appointment_not_booked_is_refused(db_path, desk_clock, status):
    aid = add_appointment(add_patient(), at(MONDAY, 10), status=status)
    before = state()
    with pytest.raises(Conflict):
        check_in(aid, staff="ann", phq9=4, gad7=4)
    assert state() == before


def test_check_in_of_an_unknown_appointment(db_path, desk_clock):
    before = state()
    with pytest.raises(NotFound):
        check_in(4242, staff="ann", phq9=4)
    assert state() == before


# --- record_scores ------------------------------------------------------------------------------

def test_record_scores_stores_what_was_given(db_path, desk_clock):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 10))
    desk_clock.set(at(MONDAY, 11))
    record_scores(pid, staff="ann", phq9=20)
    desk_clock.set(at(MONDAY, 11, 5))
    record_scores(pid, staff="bob", gad7=0, appointment_id=aid)
    record_scores(pid, staff="bob", phq9=0, gad7=21)
    assert measurements() == [(pid, None, at(MONDAY, 11), 20, None, "ann"),
                              (pid, aid, at(MONDAY, 11, 5), None, 0, "bob"),
                              (pid, None, at(MONDAY, 11, 5), 0, 21, "bob")]
    assert [a[1:] for a in audits("record_scores")] == [
        ("ann", "record_scores", "patient", pid, {}),
        ("bob", "record_scores", "patient", pid, {}),
        ("bob", "record_scores", "patient", pid, {})]


@pytest.mark.parametrize(("phq9", "gad7", "error"), [
    (None, None, ValidationError), (28, None, ValidationError), (None, 22, ValidationError),
    (-1, 3, ValidationError), (3, -1, ValidationError),
])
def test_record_scores_refuses_bad_values(db_path, desk_clock, phq9, gad7, error):
    pid = add_patient()
    before = state()
    with pytest.raises(error) as err:
        record_scores(pid, staff="ann", phq9=phq9, gad7=gad7)
    assert ("PHQ-9" in str(err.value)) or ("GAD-7" in str(err.value))
    assert state() == before


def test_record_scores_of_an_unknown_patient_or_appointment(db_path, desk_clock):
    pid = add_patient()
    other = add_appointment(add_patient("C-2", "Bo", "Bee"), at(MONDAY, 10))
    before = state()
    with pytest.raises(NotFound):
        record_scores(999, staff="ann", phq9=3)
    for appointment_id in (999, other):          # none, or another patient's
        with pytest.raises(NotFound):
            record_scores(pid, staff="ann", phq9=3, appointment_id=appointment_id)
    assert state() == before


# --- walk-ins -------------------------------------------------------------------------------

def test_a_walk_in_infusion_starts_now_in_the_first_free_chair(any_db, desk_clock):
    pid = add_patient()
    desk_clock.set(at(MONDAY, 10, 0, 37))
    change = walk_in(pid, INF, staff="ann", phq9=8, now=at(MONDAY, 10, 0, 37))
    row = appt(change.appointment_id)
    scores, = m.Measurement.select().where(m.Measurement.appointment == row.id)
    assert change == StatusChange(appointment_id=row.id, event_id=change.event_id,
                                  from_status=None, to_status=ARR, version=1, chair="Chair 1",
                                  measurements=(scores.id,))
    assert (row.patient_id, row.kind, row.start, row.duration_minutes, row.ends_at) == (
        pid, "infusion", at(MONDAY, 10), 90, at(MONDAY, 11, 30))
    assert (row.status, row.status_at, username(row.status_by_id)) == (
        "arrived", at(MONDAY, 10), "ann")
    assert (row.booked_at, username(row.booked_by_id), row.late_cancellation) == (
        at(MONDAY, 10), "ann", False)
    assert events(row.id) == [(None, "arrived", at(MONDAY, 10), "ann", "walk-in", None, None,
                               None)]
    assert measurements() == [(pid, row.id, at(MONDAY, 10), 8, None, "ann")]
    assert audits("walk_in")[0][1:] == ("ann", "walk_in", "appointment", row.id,
                                        {"kind": "infusion"})
    line = appointment_line(row.id)
    assert (line.status, line.chair, line.start) == (ARR, "Chair 1", at(MONDAY, 10))


@pytest.mark.parametrize(("kind", "minutes"), [(CONSULT, 60), (ASSESS, 30)])
def test_a_walk_in_visit_needs_no_chair(db_path, desk_clock, kind, minutes):
    for n in range(1, 5):                                       # every chair busy
        add_appointment(add_patient(f"C-{n + 1}"), at(MONDAY, 9), chair=f"Chair {n}",
                        status=CH)
    pid = add_patient()
    change = walk_in(pid, kind, staff="ann", now=at(MONDAY, 10))
    row = appt(change.appointment_id)
    assert (change.chair, row.chair_id, row.duration_minutes, row.ends_at) == (
        None, None, minutes, at(MONDAY, 10) + dt.timedelta(minutes=minutes))


def test_a_walk_in_takes_the_clinics_default_length(db_path, desk_clock):
    with write_transaction():
        (m.ClinicSetting.update(value=json.dumps({"infusion": 120, "consult": 45,
                                                  "assessment": 20}))
         .where(m.ClinicSetting.key == "durations").execute())
    pid = add_patient()
    row = appt(walk_in(pid, INF, staff="ann", now=at(MONDAY, 9)).appointment_id)
    assert (row.duration_minutes, row.ends_at) == (120, at(MONDAY, 11))
    row = appt(walk_in(add_patient("C-2"), ASSESS, staff="ann",
                       now=at(MONDAY, 9)).appointment_id)
    assert (row.duration_minutes, row.ends_at) == (20, at(MONDAY, 9, 20))


def set_chairs(chairs: list[tuple[str, int, bool]]) -> None:
    """(name, position, active) of every chair."""
    with write_transaction():
        for name, position, active in chairs:
            (m.Chair.insert(name=name, position=position, active=active)
             .on_conflict(conflict_target=[m.Chair.name],
                          update={m.Chair.position: position, m.Chair.active: active})
             .execute())


# (chair, start, minutes, status) of the infusions already there, and the chair expected
CHAIR_CASES = {
    "all free: the first by position": ([], "Chair 1"),
    "a booked infusion overlapping": ([("Chair 1", at(MONDAY, 9), 90, B)], "Chair 2"),
    "one ending exactly now does not block": ([("Chair 1", at(MONDAY, 8, 30), 90, DONE)],
                                              "Chair 1"),
    "one starting exactly at the end does not block": (
        [("Chair 1", at(MONDAY, 11, 30), 90, B)], "Chair 1"),
    "a cancelled one does not block": ([("Chair 1", at(MONDAY, 10), 90, X)], "Chair 1"),
    "every status but cancelled blocks": (
        [("Chair 1", at(MONDAY, 9, 45), 90, REC), ("Chair 2", at(MONDAY, 11), 90, B),
         ("Chair 3", at(MONDAY, 10), 30, CH)], "Chair 4"),
    "an infusion starting within the visit blocks": (
        [("Chair 1", at(MONDAY, 11, 29), 90, B)], "Chair 2"),
    "a long one from another day blocks": ([("Chair 1", at(SUNDAY, 23), 12 * 60, B)],
                                           "Chair 2"),
}


@pytest.mark.parametrize("case", list(CHAIR_CASES))
def test_the_walk_in_chair(db_path, desk_clock, case):
    busy, expected = CHAIR_CASES[case]
    for n, (chair, start, minutes, status) in enumerate(busy):
        add_appointment(add_patient(f"C-{n + 10}"), start, chair=chair, minutes=minutes,
                        status=status)
    change = walk_in(add_patient(), INF, staff="ann", now=at(MONDAY, 10))
    assert change.chair == expected
    assert appt(change.appointment_id).chair_id == m.Chair.get(m.Chair.name == expected).id


def test_the_walk_in_chair_follows_positions_and_skips_retired_chairs(db_path, desk_clock):
    set_chairs([("Chair 1", 5, True), ("Chair 2", 3, False), ("Chair 3", 4, True),
                ("Chair 4", 9, True), ("Window", 1, False), ("Back", 4, True)])
    order = [walk_in(add_patient(f"C-{n}"), INF, staff="ann", now=at(MONDAY, 10)).chair
             for n in range(4)]
    assert order == ["Back", "Chair 3", "Chair 1", "Chair 4"]   # position, then name
    with pytest.raises(Conflict, match="no chair is free"):
        walk_in(add_patient("C-9"), INF, staff="ann", now=at(MONDAY, 10))


def test_no_walk_in_infusion_when_every_chair_is_busy(db_path, desk_clock):
    for n in range(1, 5):
        add_appointment(add_patient(f"C-{n + 1}"), at(MONDAY, 9) + dt.timedelta(minutes=15 * n),
                        chair=f"Chair {n}")
    pid = add_patient()
    before = state()
    with pytest.raises(Conflict) as err:
        walk_in(pid, INF, staff="ann", phq9=3, now=at(MONDAY, 10, 10, 45))
    assert str(err.value) == "no chair is free from 10:10 to 11:40 for a walk-in infusion"
    assert state() == before
    # at 10:45 the first chair is free again (half-open: it ends at 10:45)
    assert walk_in(pid, INF, staff="ann", now=at(MONDAY, 10, 45)).chair == "Chair 1"


@pytest.mark.parametrize(("now", "kind"), [
    (at(SATURDAY, 10), INF), (at(SUNDAY, 10), ASSESS), (at(MONDAY, 7, 59), ASSESS),
    (at(MONDAY, 16, 31), INF), (at(MONDAY, 18, 0), CONSULT), (at(MONDAY, 23, 0), INF),
    (at(MONDAY, 8), INF), (at(MONDAY, 16, 30), INF), (at(FRIDAY, 16, 59, 59), CONSULT),
])
def test_a_walk_in_is_not_held_to_the_opening_hours(db_path, desk_clock, now, kind):
    """The patient is at the desk: staff decide (flow.walk_in's docstring). A walk-in late in
    the evening may run past midnight; it still takes the first free chair."""
    with write_transaction():
        (m.ClinicSetting.update(value=json.dumps([0, 1, 2]))
         .where(m.ClinicSetting.key == "open_weekdays").execute())
    change = walk_in(add_patient(), kind, staff="ann", now=now)
    row = appt(change.appointment_id)
    assert row.start == now.replace(second=0)
    assert row.ends_at == row.start + dt.timedelta(minutes=DEFAULT_DURATION_MINUTES[kind])
    assert change.chair == ("Chair 1" if kind == INF else None)


@pytest.mark.parametrize(("start", "kind", "status", "refused"), [
    (at(MONDAY, 10, 30), CONSULT, B, True),       # later, within the walk-in
    (at(MONDAY, 9, 45), ASSESS, ARR, True),       # already here
    (at(MONDAY, 9), INF, DONE, True),             # a completed one still took the time
    (at(MONDAY, 9), CONSULT, B, False),           # ends exactly at 10:00
    (at(MONDAY, 11, 30), ASSESS, B, False),       # starts exactly at the end
    (at(MONDAY, 10), INF, X, False),              # cancelled
    (at(MONDAY, 10), INF, NS, False),             # no-show
])
def test_a_walk_in_refused_when_the_patient_has_an_appointment_then(
        db_path, desk_clock, start, kind, status, refused):
    pid = add_patient()
    add_appointment(pid, start, kind, status, chair="Chair 4" if kind == INF else None)
    add_appointment(add_patient("C-2"), at(MONDAY, 10), CONSULT)   # someone else's: no matter
    before = state()
    if refused:
        with pytest.raises(Conflict) as err:
            walk_in(pid, INF, staff="ann", now=at(MONDAY, 10))
        assert f"already has an appointment at {start:%H:%M}" in str(err.value)
        # a booked one is to be checked in; one under way or done says what it is
        ends = start + dt.timedelta(minutes=DEFAULT_DURATION_MINUTES[kind])
        assert str(err.value).endswith("check that one in" if status == B else
                                       f"{STATUS_WORDS[status]}, planned until {ends:%H:%M}")
        assert state() == before
    else:
        assert walk_in(pid, INF, staff="ann", now=at(MONDAY, 10)).to_status == ARR


def test_walk_in_refusals_for_bad_input(db_path, desk_clock):
    pid = add_patient()
    before = state()
    with pytest.raises(NotFound):
        walk_in(999, INF, staff="ann", now=at(MONDAY, 10))
    with pytest.raises(ValidationError, match="massage"):
        walk_in(pid, "massage", staff="ann", now=at(MONDAY, 10))
    for scores in ({"phq9": 28}, {"gad7": 22}, {"phq9": -1}, {"phq9": 3, "gad7": 40}):
        with pytest.raises(ValidationError):
            walk_in(pid, INF, staff="ann", now=at(MONDAY, 10), **scores)
    assert state() == before


def test_walk_in_uses_the_clock_when_not_given_a_time(db_path, desk_clock):
    desk_clock.set(at(MONDAY, 14, 12, 59))
    row = appt(walk_in(add_patient(), "consult", staff="ann").appointment_id)
    assert (row.start, row.kind) == (at(MONDAY, 14, 12), "consult")


def _race(monkeypatch, hooked: str, calls) -> list:
    """Two desks at the same moment, each in a thread of its own (with its own connection):
    each one, having read what `flow.<hooked>` decides on, waits (up to a second) for the
    other to have read it too. Without a lock both decide on the same state; with one, the
    second desk is still waiting for the lock, and reads after the first one's commit."""
    original = getattr(flow, hooked)
    both = threading.Barrier(2)

    def after_reading(*args, **kwargs):
        try:
            both.wait(timeout=1.0)
        except threading.BrokenBarrierError:
            pass                                  # the other desk waits for our lock
        return original(*args, **kwargs)
    monkeypatch.setattr(flow, hooked, after_reading)
    results: list = [None] * len(calls)

    def desk(n: int) -> None:
        try:
            results[n] = calls[n]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[n] = exc
        finally:
            m.database.obj.close()                # this thread's connection
    threads = [threading.Thread(target=desk, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_desks_walking_in_at_once_get_different_chairs(any_db, desk_clock, monkeypatch):
    patients = [add_patient("C-1"), add_patient("C-2", "Bo", "Bee")]
    results = _race(monkeypatch, "_free_chair", [
        lambda n=n: walk_in(patients[n], INF, staff=f"desk{n}", now=at(MONDAY, 10))
        for n in range(2)])
    assert all(isinstance(r, StatusChange) for r in results), results
    assert sorted(r.chair for r in results) == ["Chair 1", "Chair 2"]


def test_two_desks_walking_in_the_same_patient_at_once(any_db, desk_clock, monkeypatch):
    pid = add_patient()
    results = _race(monkeypatch, "_free_chair", [
        lambda n=n: walk_in(pid, INF, staff=f"desk{n}", now=at(MONDAY, 10)) for n in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "StatusChange"], results
    assert A.select().where(A.patient == pid).count() == 1


def test_two_infusions_completed_at_once_both_count(any_db, desk_clock, monkeypatch):
    """The 2nd and 3rd of a series of 3 completed at the same moment: one of the two sees
    the other and ends the series."""
    pid = add_patient(phase=Phase.STABILIZATION, target=3)
    add_appointment(pid, at(SINCE, 9), status=DONE)
    ids = [add_appointment(pid, at(MONDAY, 8), status=REC),
           add_appointment(pid, at(MONDAY, 8), status=REC, chair="Chair 2")]
    results = _race(monkeypatch, "phase_after_completed_infusion", [
        lambda n=n: set_status(ids[n], DONE, staff=f"desk{n}") for n in range(2)])
    assert all(isinstance(r, StatusChange) for r in results), results
    assert sorted(str(r.phase_moved) for r in results) == [
        "(<Phase.STABILIZATION: 'stabilization'>, <Phase.MAINTENANCE: 'maintenance'>)", "None"]
    assert patient_phase(pid)[:2] == ("maintenance", MONDAY)
    assert len(phase_changes(pid)) == 1


def test_two_desks_changing_one_appointment_at_once(any_db, desk_clock, monkeypatch):
    """Both read version 1; one wins, the other is refused and writes nothing."""
    aid = add_appointment(add_patient(), at(MONDAY, 10))
    results = _race(monkeypatch, "check_change", [
        lambda: set_status(aid, ARR, staff="desk0", expected_version=1),
        lambda: set_status(aid, X, staff="desk1", expected_version=1, reason="called")])
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Conflict", "StatusChange"], results
    won = next(r for r in results if isinstance(r, StatusChange))
    assert appt(aid).status == won.to_status.value and appt(aid).version == 2
    assert len(events(aid)) == 1 and len(audits("set_status")) == 1


# --- today_for_patient --------------------------------------------------------------------------

def test_today_for_patient_finds_the_first_booked_and_the_one_in_the_clinic(any_db,
                                                                             desk_clock):
    pid = add_patient("C-7", "José", "Núñez", phase=Phase.STABILIZATION)
    add_appointment(pid, at(SUNDAY, 23, 30), ASSESS)                 # another day
    add_appointment(pid, at(MONDAY, 8), INF, X)
    consult = add_appointment(pid, at(MONDAY, 9), CONSULT)
    infusion = add_appointment(pid, at(MONDAY, 14), INF)
    add_appointment(pid, at(TUESDAY, 0), CONSULT)                    # the next day
    today = today_for_patient(pid, MONDAY)
    assert (today.patient_id, today.name, today.chart) == (pid, "Núñez, José", "C-7")
    assert today.booked.id == consult and today.in_clinic is None
    assert today.booked == appointment_line(consult, MONDAY)

    check_in(consult, staff="ann")
    today = today_for_patient(pid, MONDAY)
    assert (today.booked.id, today.in_clinic.id) == (infusion, consult)
    assert today.in_clinic.status == ARR
    set_status(consult, DONE, staff="ann")
    today = today_for_patient(pid, MONDAY)
    assert (today.booked.id, today.in_clinic) == (infusion, None)
    set_status(infusion, NS, staff="ann", confirmed=True)    # before its start: confirmed
    assert today_for_patient(pid, MONDAY).booked is None


@pytest.mark.parametrize("status", [ARR, CH, REC])
def test_today_for_patient_in_the_clinic(db_path, desk_clock, status):
    pid = add_patient()
    add_appointment(pid, at(MONDAY, 8), CONSULT, DONE)
    aid = add_appointment(pid, at(MONDAY, 10), INF, status)
    today = today_for_patient(pid, MONDAY)
    assert today.in_clinic.id == aid and today.booked is None


def test_today_for_patient_with_nothing_today(db_path, desk_clock):
    pid = add_patient()
    add_appointment(pid, at(TUESDAY, 10))
    today = today_for_patient(pid, MONDAY)
    assert (today.booked, today.in_clinic) == (None, None)
    with pytest.raises(NotFound):
        today_for_patient(999, MONDAY)


# --- the board -------------------------------------------------------------------------------

def build_board_day() -> dict[str, int]:
    """A hand-built Monday; returns chart -> patient id."""
    set_chairs([("Chair 1", 1, True), ("Chair 2", 2, True), ("Chair 10", 3, True),
                ("A-side", 9, True)])
    ids = {chart: add_patient(chart, first, last, phase=phase)
           for chart, first, last, phase in [
               ("C-1", "Fay", "Abe", Phase.MAINTENANCE), ("C-2", "Dan", "Zed", Phase.INTAKE),
               ("C-3", "José", "Núñez", Phase.STABILIZATION),
               ("C-4", "Siobhán", "O'Brien", Phase.INTEGRATION),
               ("C-5", "Jose", "Nunez", Phase.DISCHARGED)]}
    return ids


def test_board_ids_order_by_start_chair_position_then_name(db_path, desk_clock):
    i = build_board_day()
    a = {
        "abe9": add_appointment(i["C-1"], at(MONDAY, 9), INF, chair="Chair 1"),
        "zed9-x": add_appointment(i["C-2"], at(MONDAY, 9), INF, X, chair="Chair 1"),
        "nunez9-c10": add_appointment(i["C-3"], at(MONDAY, 9), INF, chair="Chair 10"),
        "obrien9-c2": add_appointment(i["C-4"], at(MONDAY, 9), INF, DONE, chair="Chair 2"),
        "side9": add_appointment(i["C-5"], at(MONDAY, 9), INF, ARR, chair="A-side"),
        "obrien9": add_appointment(i["C-4"], at(MONDAY, 9), CONSULT, NS),
        "nunez9": add_appointment(i["C-3"], at(MONDAY, 9), ASSESS),
        "zed8": add_appointment(i["C-2"], at(MONDAY, 8), CONSULT, ARR),
        "midnight": add_appointment(i["C-1"], at(MONDAY, 0), ASSESS, REC),
        "late": add_appointment(i["C-5"], at(MONDAY, 23, 59), CONSULT),
    }
    add_appointment(i["C-1"], at(SUNDAY, 23, 59), CONSULT)
    add_appointment(i["C-1"], at(TUESDAY, 0), CONSULT)
    assert board_ids(MONDAY) == [a[k] for k in [
        "midnight", "zed8",
        "abe9", "zed9-x",              # one chair: by name
        "obrien9-c2", "nunez9-c10",    # chair position, not name
        "side9",
        "nunez9", "obrien9",           # no chair: after the chairs, by name
        "late"]]
    assert board_ids(MONDAY, unfinished_only=True) == [a[k] for k in [
        "midnight", "zed8", "abe9", "nunez9-c10", "side9", "nunez9", "late"]]
    assert board_ids(SATURDAY) == []


def test_board_lines_show_the_appointments_and_the_patients_badges(db_path, desk_clock):
    i = build_board_day()
    ids = [add_appointment(i[chart], at(MONDAY, 9 + n), kind, status, status_at=at(MONDAY, 8))
           for n, (chart, kind, status) in enumerate([
               ("C-1", INF, ARR), ("C-2", CONSULT, B), ("C-3", INF, REC),
               ("C-4", ASSESS, X), ("C-5", CONSULT, NS), ("C-3", ASSESS, B)])]
    add_appointment(i["C-3"], at(D(2026, 11, 3), 9), INF, DONE)
    lines = board_lines(list(reversed(ids)) + [999], MONDAY)
    assert [line.id for line in lines] == list(reversed(ids))    # as given; unknown left out
    first = board_lines([ids[0]], MONDAY)[0]
    assert first == BoardLine(
        id=ids[0], start=at(MONDAY, 9), duration_minutes=90, ends_at=at(MONDAY, 10, 30),
        kind=INF, status=ARR, status_at=at(MONDAY, 8), status_by="booker", chair="Chair 1",
        patient_id=i["C-1"], chart="C-1", name="Abe, Fay", badge=first.badge,
        phase=Phase.MAINTENANCE, stalled=False, version=1, late_cancellation=False)
    rows = {row.id: row for row in rows_for_ids(list(i.values()), MONDAY)}
    for line in lines:
        row = rows[line.patient_id]
        assert (line.badge, line.phase, line.stalled, line.chart, line.name) == (
            row.badge, row.phase, row.stalled, row.chart, row.name)
    assert {line.chart: (line.badge, line.stalled) for line in lines} == {
        "C-1": ("OVERDUE", False), "C-2": ("INTAKE", False), "C-3": ("STAB 1/6", True),
        "C-4": ("INTEG", False), "C-5": ("DISCH", False)}
    assert board_lines([], MONDAY) == []


def test_appointment_line(db_path, desk_clock):
    pid = add_patient(phase=Phase.STABILIZATION)
    aid = add_appointment(pid, at(MONDAY, 10))
    add_appointment(pid, at(SINCE, 10), status=DONE)
    assert appointment_line(aid) == board_lines([aid], MONDAY)[0]
    assert appointment_line(aid, SATURDAY).badge == "STAB 1/6"
    with pytest.raises(NotFound):
        appointment_line(999)


def random_day(seed: int) -> list[int]:
    """A busy Monday of random appointments, with times to the second (and some to the
    microsecond): returns the patients' ids."""
    rng = random.Random(seed)
    patients = [add_patient(f"C-{n}", f"F{n}", f"L{rng.randrange(5)}",
                            phase=rng.choice(list(Phase)), target=rng.randrange(3, 9))
                for n in range(12)]
    chairs = [None, "Chair 1", "Chair 2", "Chair 3", "Chair 4"]
    for _ in range(rng.randrange(10, 40)):
        day = rng.choice([MONDAY] * 6 + [SUNDAY, TUESDAY, SINCE])
        start = at(day, rng.randrange(0, 24), rng.choice([0, 15, 30, 45]))
        status_at = start + dt.timedelta(seconds=rng.randrange(-3600, 3 * 3600),
                                         microseconds=rng.choice([0, 0, 0, 250_000]))
        add_appointment(rng.choice(patients), start, rng.choice(list(Kind)),
                        rng.choice(list(Status)), chair=rng.choice(chairs),
                        minutes=rng.choice([30, 60, 90, 120]), status_at=status_at)
    return patients


def nows(seed: int) -> list[dt.datetime]:
    rng = random.Random(seed)
    return [at(MONDAY, 0) + dt.timedelta(seconds=rng.randrange(0, 26 * 3600),
                                         microseconds=rng.choice([0, 500_000]))
            for _ in range(25)]


@pytest.mark.parametrize("seed", range(6))
def test_board_summary_agrees_with_the_lines_and_alert_for(db_path, desk_clock, seed):
    patients = random_day(seed)
    ids = board_ids(MONDAY)
    lines = board_lines(ids, MONDAY)
    assert len(lines) == len(ids) == A.select().where(A.start >= at(MONDAY, 0),
                                                      A.start < at(TUESDAY, 0)).count()
    assert all(line.start.date() == MONDAY for line in lines)
    order = [(line.start, line.chair is None,
              m.Chair.get(m.Chair.name == line.chair).position if line.chair else 0,
              line.chair or "", name_key(*line.name.split(", ")[::-1]), line.id)
             for line in lines]
    assert order == sorted(order)
    rows = {row.id: row.badge for row in rows_for_ids(patients, MONDAY)}
    assert all(line.badge == rows[line.patient_id] for line in lines)
    assert set(board_ids(MONDAY, unfinished_only=True)) == {
        line.id for line in lines if line.status in (B, ARR, CH, REC)}
    rng = random.Random(seed)
    for now in nows(seed):
        limit = rng.choice([0, 5, 15, 60])
        summary = board_summary(MONDAY, now, limit)
        alerts = Counter(alert.kind for line in lines
                         if (alert := alert_for(line.status, line.status_at, line.ends_at,
                                                now, limit)) is not None)
        assert summary.by_status == {s: sum(line.status == s for line in lines)
                                     for s in Status}
        assert summary.total == len(lines)
        assert (summary.day, summary.waiting_too_long, summary.recovery_overdue) == (
            MONDAY, alerts["waiting"], alerts["recovery"]), (now, limit)


def test_board_summary_at_the_alert_boundaries(any_db, desk_clock):
    pid = add_patient()
    add_appointment(pid, at(MONDAY, 9), CONSULT, ARR, status_at=at(MONDAY, 9, 0, 30))
    add_appointment(pid, at(MONDAY, 8), INF, REC, status_at=at(MONDAY, 9, 10))   # ends 9:30
    add_appointment(pid, at(SUNDAY, 9), CONSULT, ARR, status_at=at(SUNDAY, 9))   # another day

    def summary(now: dt.datetime) -> tuple[int, int]:
        s = board_summary(MONDAY, now, 15)
        return s.waiting_too_long, s.recovery_overdue
    assert summary(at(MONDAY, 9, 15, 30)) == (0, 0)
    assert summary(at(MONDAY, 9, 16, 29)) == (0, 0)      # 15 min 59 s
    assert summary(at(MONDAY, 9, 16, 30)) == (1, 0)
    assert summary(at(MONDAY, 9, 30, 59)) == (1, 0)
    assert summary(at(MONDAY, 9, 31)) == (1, 1)
    assert board_summary(MONDAY, at(MONDAY, 9, 31), 15).by_status[ARR] == 1
    assert board_summary(SATURDAY, at(MONDAY, 9, 31), 15).total == 0


# --- the whole morning on both databases ---------------------------------------------------------

def test_a_morning_at_the_desk(any_db, desk_clock):
    """check_in, the flow to completed with the automatic phase move, undo, walk-in: the
    same outcome on SQLite and PostgreSQL."""
    new = add_patient("C-1", "Ann", "Abe", phase=Phase.INTAKE)
    regular = add_patient("C-2", "Bo", "Bee", phase=Phase.MAINTENANCE)
    first = add_appointment(new, at(MONDAY, 9))
    booster = add_appointment(regular, at(MONDAY, 9), chair="Chair 2")
    desk_clock.set(at(MONDAY, 8, 55))
    check_in(first, staff="ann", expected_version=1, phq9=19, gad7=15)
    check_in(booster, staff="ann", gad7=4)
    changes = walk(first, desk_clock, [(CH, at(MONDAY, 9, 5), "bob"),
                                       (REC, at(MONDAY, 9, 50), "bob"),
                                       (DONE, at(MONDAY, 10, 31), "ann")])
    assert changes[-1].phase_moved == (Phase.INTAKE, Phase.STABILIZATION)
    assert today_for_patient(new, MONDAY).booked is None
    assert appointment_line(first).badge == "STAB 1/6"
    desk_clock.set(at(MONDAY, 10, 33))
    undo(changes[-1], staff="ann")
    assert patient_phase(new) == ("intake", SINCE, 3)
    assert appointment_line(first).status == REC
    set_status(first, DONE, staff="ann")
    walked = walk_in(add_patient("C-3", "Cy", "Cole"), INF, staff="cy",
                     now=at(MONDAY, 10, 40))
    assert walked.chair == "Chair 1"      # both 9:00 infusions ended at 10:30
    summary = board_summary(MONDAY, at(MONDAY, 10, 50), 15)
    assert {s: n for s, n in summary.by_status.items() if n} == {ARR: 2, DONE: 1}
    assert summary.waiting_too_long == 1   # the booster, arrived at 8:55
    assert [line.chart for line in board_lines(board_ids(MONDAY), MONDAY)] == [
        "C-1", "C-2", "C-3"]
    assert measurements() == [(new, first, at(MONDAY, 8, 55), 19, 15, "ann"),
                              (regular, booster, at(MONDAY, 8, 55), None, 4, "ann")]


# --- issue 14: one infusion a day for walk-ins; the chair a walk-in finds ----------------------

@pytest.mark.parametrize("status", [DONE, B, ARR, REC])
def test_no_walk_in_infusion_on_a_day_with_an_infusion(any_db, desk_clock, status):
    """The patient's 08:00 infusion that day (completed, or still to come, or under way)
    holds the day: a second infusion as a walk-in is refused, a consult is not."""
    pid = add_patient()
    start = at(MONDAY, 8) if status != B else at(MONDAY, 15)
    add_appointment(pid, start, status=status, chair="Chair 2")
    today = today_for_patient(pid, MONDAY)
    assert today.infusion_today.start == start
    assert INF not in today.walk_in_kinds and CONSULT in today.walk_in_kinds
    before = state()
    desk_clock.set(at(MONDAY, 12))
    with pytest.raises(Conflict) as err:
        walk_in(pid, INF, staff="ann", phq9=3, now=at(MONDAY, 12))
    assert str(err.value) == today.no_walk_in_infusion
    assert f"already has an infusion today ({start:%H:%M}" in str(err.value)
    assert "one infusion a day" in str(err.value) and "consult" in str(err.value)
    assert state() == before
    assert walk_in(pid, CONSULT, staff="ann", now=at(MONDAY, 12)).to_status == ARR


@pytest.mark.parametrize("status", [X, NS])
def test_a_cancelled_or_missed_infusion_leaves_the_day_free(db_path, desk_clock, status):
    pid = add_patient()
    add_appointment(pid, at(MONDAY, 8), status=status)
    add_appointment(pid, at(SUNDAY, 10), status=DONE)            # another day
    today = today_for_patient(pid, MONDAY)
    assert today.infusion_today is None and today.no_walk_in_infusion == ""
    assert today.walk_in_kinds == (CONSULT, INF, ASSESS)
    assert walk_in(pid, INF, staff="ann", now=at(MONDAY, 12)).chair == "Chair 1"


def test_a_chaired_consult_does_not_hold_the_chair(any_db, desk_clock):
    """Only an infusion holds a chair (queries.holds_chair), as the guard and booking say."""
    add_appointment(add_patient("C-2", "Bo", "Bee"), at(MONDAY, 10), CONSULT, ARR,
                    chair="Chair 1")
    assert walk_in(add_patient(), INF, staff="ann", now=at(MONDAY, 10, 15)).chair == "Chair 1"


# --- issue 14: the day a change is made on ----------------------------------------------------

def test_arriving_and_the_chair_are_refused_on_another_day(any_db, desk_clock):
    pid = add_patient()
    ahead = add_appointment(pid, at(MONDAY + dt.timedelta(days=7), 10))
    past = add_appointment(pid, at(FRIDAY, 10), status=ARR)
    before = state()
    for aid, status in [(ahead, ARR), (past, CH)]:
        for confirmed in (False, True):
            with pytest.raises(Conflict) as err:
                set_status(aid, status, staff="ann", confirmed=confirmed)
            assert "today's appointments" in str(err.value)
    with pytest.raises(Conflict, match="Mon 30 Nov"):
        check_in(ahead, staff="ann", phq9=3)
    assert state() == before


def test_a_no_show_before_the_start_needs_a_confirmation(any_db, desk_clock):
    aid = add_appointment(add_patient(), at(MONDAY, 17, 30))
    desk_clock.set(at(MONDAY, 14, 15))
    before = state()
    with pytest.raises(NeedsConfirmation) as err:
        set_status(aid, NS, staff="ann")
    assert err.value.why == "a no-show before the start time (17:30)"
    assert state() == before
    change = set_status(aid, NS, staff="ann", reason="phoned: not coming", confirmed=True)
    assert change.to_status == NS
    assert events(aid)[-1][4] == ("phoned: not coming; "
                                  "confirmed: a no-show before the start time (17:30)")
    assert audits("set_status")[-1][-1] == {
        "to": "no_show", "confirmed": "a no-show before the start time (17:30)"}


def test_a_change_to_a_past_day_needs_a_confirmation(any_db, desk_clock):
    pid = add_patient()
    stale = add_appointment(pid, at(FRIDAY, 10))
    ahead = add_appointment(pid, at(TUESDAY, 10))
    before = state()
    for status in (NS, X):
        with pytest.raises(NeedsConfirmation, match=r"past day's appointment \(Fri 20 Nov\)"):
            set_status(stale, status, staff="ann", reason="tidying")
    assert state() == before
    set_status(stale, X, staff="ann", reason="tidying", confirmed=True)
    row = appt(stale)
    assert (row.status, row.cancel_reason) == ("cancelled", "tidying")
    assert events(stale)[-1][4] == ("tidying; confirmed: a change to a past day's "
                                    "appointment (Fri 20 Nov)")
    # cancelling ahead needs none, and a confirmation not needed records nothing more
    set_status(ahead, X, staff="ann", reason="ill", confirmed=True)
    assert events(ahead)[-1][4] == "ill"
    assert audits("set_status")[-1][-1] == {"to": "cancelled"}


# --- issue 14: undo takes back everything its change wrote ------------------------------------

def test_undo_of_a_check_in_takes_the_scores_back(any_db, desk_clock):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 10))
    kept = record_scores(pid, staff="ann", phq9=11)  # scores of their own stay
    change = check_in(aid, staff="ann", phq9=20, gad7=15)
    assert len(change.measurements) == 1
    assert [x[3:5] for x in measurements()] == [(11, None), (20, 15)]
    undo(change, staff="bob")
    assert [x[3:5] for x in measurements()] == [(11, None)]
    assert kept is None and status_of(aid)[0] == "booked"
    entry = audits("undo_scores")[-1]
    assert entry[1:5] == ("bob", "undo_scores", "patient", pid)
    assert entry[5] == {"appointment": aid, "measurements": list(change.measurements)}


def test_undo_of_a_walk_in_takes_its_scores_back(any_db, desk_clock):
    pid = add_patient()
    change = walk_in(pid, CONSULT, staff="ann", phq9=20, gad7=15, now=at(MONDAY, 9))
    undo(change, staff="ann")
    assert measurements() == [] and appt(change.appointment_id).status == "cancelled"
    # a check-in without scores has nothing to take back
    aid = add_appointment(pid, at(MONDAY, 10))
    undo(check_in(aid, staff="ann"), staff="ann")
    assert audits("undo_scores") == [audits("undo_scores")[0]]


@pytest.mark.parametrize("undone", [X, NS])
def test_undo_refused_when_the_patient_has_another_infusion_that_day(any_db, desk_clock,
                                                                    undone):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 8, 30))
    change = set_status(aid, undone, staff="ann", reason="ill")
    walk_in(pid, INF, staff="ann", now=at(MONDAY, 11))       # later that day, another chair
    before = state()
    with pytest.raises(Conflict) as err:
        undo(change, staff="ann")
    assert "not undone" in str(err.value) and "another infusion that day (11:00)" in \
        str(err.value)
    assert state() == before


def test_undo_refused_when_the_patient_has_an_appointment_then(any_db, desk_clock):
    pid = add_patient()
    aid = add_appointment(pid, at(MONDAY, 8, 30), CONSULT)
    change = set_status(aid, NS, staff="ann")
    walk_in(pid, ASSESS, staff="ann", now=at(MONDAY, 9))      # within the consult's hour
    with pytest.raises(Conflict, match="not undone: the patient has an assessment at 09:00"):
        undo(change, staff="ann")
    assert appt(aid).status == "no_show"
