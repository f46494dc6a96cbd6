"""Booking on the phone (services.booking) on real databases: one appointment (hours, the
past, the patient's other appointments, chairs by name or the first free one, lengths), the
refusal of a taken chair with alternatives that are really free, a whole series booked all or
nothing, rescheduling and cancelling, what the booking screen shows about the patient, and
the free slots (never before now, never over the patient's own appointments).

Time is pinned with clock.set_now: the finder never offers a start before now."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import JOIN

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.connection import write_transaction
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.model import (Kind, Phase, Status, holds_chair, holds_patient,
                                    holds_patient_day, intervals_overlap)
from frontdesk.domain.series import Pattern
from frontdesk.domain.slots import Slot, SlotTaken, free_slots
from frontdesk.domain.validation import name_key
from frontdesk.services import booking
from frontdesk.services.booking import (book, book_series, booking_context, cancel, find_slots,
                                        free_on, plan_stabilization_series, reschedule)
from frontdesk.services.flow import set_status

from chair_support import ChairPlan

D = dt.date
A, P = m.Appointment, m.Patient
INF, CONSULT, ASSESS = Kind.INFUSION, Kind.CONSULT, Kind.ASSESSMENT
SATURDAY, SUNDAY = D(2026, 11, 21), D(2026, 11, 22)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (D(2026, 11, 23 + n) for n in range(5))
CHAIRS = ["Chair 1", "Chair 2", "Chair 3", "Chair 4"]
STAFF = "booker"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


NOW = at(SATURDAY, 12)


@pytest.fixture(autouse=True)
def pinned_now():
    clock.set_now(NOW)
    yield NOW
    clock.set_now(None)


_charts = iter(range(1, 10**6))


def add_patient(first: str = "Ann", last: str = "Abe", *, phase: Phase = Phase.MAINTENANCE,
                since: D = D(2026, 11, 2), target: int = 6, chart: str | None = None) -> int:
    chart = chart or f"T-{next(_charts)}"
    with write_transaction():
        return P.create(chart_number=chart, first_name=first, last_name=last,
                        search_key=name_key(first, last), date_of_birth=D(1980, 1, 1),
                        phone="+16502530000", phase=phase.value, phase_since=since,
                        stabilization_target=target, registered_on=D(2026, 1, 5),
                        created_at=NOW, updated_at=NOW).id


def fill_chairs(start: dt.datetime, chairs=CHAIRS, minutes: int = 90) -> list[int]:
    """Other patients' infusions in these chairs at that time, booked through the service."""
    return [book(add_patient("Other", f"Patient{n}"), INF, start, staff=STAFF, chair=c,
                 duration=minutes).id for n, c in enumerate(chairs)]


def taken_by_chair() -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    rows = (A.select(m.Chair.name, A.start, A.ends_at).join(m.Chair)
            .where(A.kind == INF.value, A.status != Status.CANCELLED.value).tuples())
    taken: dict[str, list] = {}
    for name, start, end in rows:
        taken.setdefault(name, []).append((_dt(start), _dt(end)))
    return taken


def _dt(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def patient_times(patient_id: int) -> list[tuple[dt.datetime, dt.datetime]]:
    rows = A.select(A.start, A.ends_at).where(
        A.patient == patient_id, A.status.not_in([Status.CANCELLED.value, Status.NO_SHOW.value]))
    return [(_dt(s), _dt(e)) for s, e in rows.tuples()]


def assert_really_free(slot: Slot, kind: Kind, patient_id: int | None, minutes: int) -> None:
    """The slot keeps every rule: hours, now, the length, its chair and the patient free."""
    assert slot.start >= clock.now()
    assert slot.end == slot.start + dt.timedelta(minutes=minutes)
    assert slot.start.weekday() < 5 and at(slot.day, 8) <= slot.start
    assert slot.end <= at(slot.day, 18)
    if kind == INF:
        assert slot.chair in CHAIRS
        assert not any(intervals_overlap(slot.start, slot.end, s, e)
                       for s, e in taken_by_chair().get(slot.chair, []))
    else:
        assert slot.chair is None
    if patient_id is not None:
        assert not any(intervals_overlap(slot.start, slot.end, s, e)
                       for s, e in patient_times(patient_id))


def count_rows() -> tuple[int, ...]:
    return tuple(t.select().count() for t in (A, m.AppointmentEvent, m.AuditEntry))


# --- booking one --------------------------------------------------------------------------------

def test_booking_an_infusion_writes_it_its_event_and_its_audit(any_db):
    pid = add_patient()
    line = book(pid, "infusion", at(MONDAY, 9), staff=STAFF)
    assert (line.patient_id, line.kind, line.status, line.start, line.duration_minutes,
            line.ends_at, line.chair, line.status_by) == (
        pid, INF, Status.BOOKED, at(MONDAY, 9), 90, at(MONDAY, 10, 30), "Chair 1", STAFF)
    row = A.get_by_id(line.id)
    assert (_dt(row.booked_at), row.rescheduled_from_id, row.version) == (NOW, None, 1)
    events = list(m.AppointmentEvent.select().where(m.AppointmentEvent.appointment == line.id))
    assert [(e.from_status, e.to_status, e.reason) for e in events] == [(None, "booked",
                                                                         "booked")]
    audit = m.AuditEntry.select().where(m.AuditEntry.action == "book").get()
    assert (audit.entity, audit.entity_id, json.loads(audit.detail)) == (
        "appointment", line.id, {"kind": "infusion"})


def test_auto_takes_the_first_free_chair_in_the_clinics_order(any_db):
    chairs = [book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair=c).chair
              for c in (None, "auto", "", None)]
    assert chairs == CHAIRS
    with pytest.raises(SlotTaken, match="every chair is taken from 09:30 to 11:00"):
        book(add_patient(), INF, at(MONDAY, 9, 30), staff=STAFF)


def test_a_chair_by_its_name_in_any_case(any_db):
    assert book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair="chair 3").chair == "Chair 3"
    assert book(add_patient(), INF, at(MONDAY, 9), staff=STAFF,
                chair="  CHAIR 2 ").chair == "Chair 2"
    with pytest.raises(SlotTaken, match="Chair 3 is taken from 09:00 to 10:30"):
        book(add_patient(), INF, at(MONDAY, 10), staff=STAFF, chair="Chair 3")


def test_an_unknown_or_retired_chair_is_refused_naming_the_chairs(any_db):
    with write_transaction():
        m.Chair.update(active=False).where(m.Chair.name == "Chair 4").execute()
    for name in ("Chair 9", "Chair 4"):
        with pytest.raises(ValidationError, match=r"no chair .* \(chairs: Chair 1, Chair 2, "
                                                  r"Chair 3\)"):
            book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair=name)
    assert A.select().count() == 0


def test_a_consult_or_assessment_takes_no_chair(any_db):
    fill_chairs(at(MONDAY, 9))  # every chair full: a consult does not mind
    consult = book(add_patient(), CONSULT, at(MONDAY, 9), staff=STAFF)
    assess = book(add_patient(), "assessment", at(MONDAY, 9), staff=STAFF, chair="auto")
    assert (consult.chair, consult.duration_minutes, consult.ends_at) == (None, 60,
                                                                         at(MONDAY, 10))
    assert (assess.chair, assess.duration_minutes) == (None, 30)
    with pytest.raises(ValidationError, match="a consult takes no chair"):
        book(add_patient(), CONSULT, at(MONDAY, 11), staff=STAFF, chair="Chair 1")


@pytest.mark.parametrize(("duration", "ends"), [(5, at(MONDAY, 9, 5)), (120, at(MONDAY, 11)),
                                                (480, at(MONDAY, 17))])
def test_a_length_of_its_own(db_path, duration, ends):
    line = book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, duration=duration)
    assert (line.duration_minutes, line.ends_at) == (duration, ends)


@pytest.mark.parametrize("duration", [0, 4, 481])
def test_a_length_outside_5_to_480_minutes_is_refused(db_path, duration):
    with pytest.raises(ValidationError, match="outside 5-480 minutes"):
        book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, duration=duration)


def test_the_clinics_own_lengths(db_path):
    with write_transaction():
        (m.ClinicSetting.update(value=json.dumps({"infusion": 120, "consult": 45,
                                                  "assessment": 20}))
         .where(m.ClinicSetting.key == "durations").execute())
    assert [book(add_patient(), k, at(MONDAY, 9), staff=STAFF).duration_minutes
            for k in (INF, CONSULT, ASSESS)] == [120, 45, 20]


@pytest.mark.parametrize("start", [
    at(MONDAY, 7, 45),           # before opening
    at(MONDAY, 16, 45),          # ends after closing
    at(SUNDAY, 10),              # closed
    at(D(2026, 11, 28), 10),     # a Saturday
])
def test_outside_opening_hours_is_refused(db_path, start):
    with pytest.raises(Conflict, match="outside opening hours \\(Mon, Tue, Wed, Thu, Fri "
                                       "08:00-18:00\\)"):
        book(add_patient(), INF, start, staff=STAFF)
    assert A.select().count() == 0


def test_from_opening_to_closing_is_inside(db_path):
    pid = add_patient()
    assert book(pid, INF, at(MONDAY, 8), staff=STAFF).start == at(MONDAY, 8)
    assert book(add_patient(), INF, at(MONDAY, 16, 30), staff=STAFF).ends_at == at(MONDAY, 18)
    assert book(pid, CONSULT, at(MONDAY, 9, 37), staff=STAFF).start == at(MONDAY, 9, 37)


def test_the_past_is_refused(any_db):
    clock.set_now(at(MONDAY, 10, 7))
    with pytest.raises(ValidationError, match="2026-11-23 10:00 has already passed"):
        book(add_patient(), INF, at(MONDAY, 10), staff=STAFF)
    assert book(add_patient(), INF, at(MONDAY, 10, 7), staff=STAFF).start == at(MONDAY, 10, 7)


def test_the_patients_other_appointments_are_refused_unless_cancelled_or_missed(any_db):
    pid = add_patient()
    book(pid, INF, at(MONDAY, 9), staff=STAFF)
    for kind, start in [(CONSULT, at(MONDAY, 10)), (INF, at(MONDAY, 8)),
                        (ASSESS, at(MONDAY, 9))]:
        with pytest.raises(Conflict, match="already has an appointment from 09:00 to 10:30"):
            book(pid, kind, start, staff=STAFF)
    assert book(pid, CONSULT, at(MONDAY, 10, 30), staff=STAFF).start == at(MONDAY, 10, 30)
    missed = book(pid, CONSULT, at(TUESDAY, 9), staff=STAFF)
    dropped = book(pid, INF, at(WEDNESDAY, 9), staff=STAFF)
    clock.set_now(at(TUESDAY, 9, 20))
    set_status(missed.id, Status.NO_SHOW, staff=STAFF)
    cancel(dropped.id, staff=STAFF, reason="sick")
    assert book(pid, INF, at(TUESDAY, 9, 30), staff=STAFF).start == at(TUESDAY, 9, 30)
    assert book(pid, INF, at(WEDNESDAY, 9), staff=STAFF).start == at(WEDNESDAY, 9)


def test_an_unknown_patient_is_not_found(db_path):
    with pytest.raises(NotFound):
        book(10**6, INF, at(MONDAY, 9), staff=STAFF)


# --- a taken chair: the alternatives ------------------------------------------------------------

def test_a_taken_time_offers_alternatives_that_are_really_free(any_db):
    fill_chairs(at(MONDAY, 9))
    fill_chairs(at(MONDAY, 10, 30))
    pid = add_patient()
    book(pid, CONSULT, at(MONDAY, 12), staff=STAFF)  # the patient is busy 12:00-13:00
    with pytest.raises(SlotTaken) as caught:
        book(pid, INF, at(MONDAY, 9, 15), staff=STAFF)
    alternatives = caught.value.alternatives
    assert len(alternatives) == 5
    assert alternatives[0].start == at(MONDAY, 13)  # full until 12:00, then the consult
    for slot in alternatives:
        assert slot.start >= at(MONDAY, 9, 15)
        assert_really_free(slot, INF, pid, 90)
    first = alternatives[0]
    line = book(pid, INF, first.start, staff=STAFF, chair=first.chair)
    assert (line.start, line.chair) == (first.start, first.chair)


def test_a_named_chair_taken_offers_other_chairs_too(any_db):
    fill_chairs(at(MONDAY, 9), ["Chair 1"])
    with pytest.raises(SlotTaken) as caught:
        book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair="Chair 1")
    assert caught.value.alternatives[0] == Slot(at(MONDAY, 9), at(MONDAY, 10, 30), "Chair 2")


def test_two_desks_booking_the_last_chair_at_once(any_db):
    """Both find the chair free; exactly one booking wins, the other is told it is taken."""
    fill_chairs(at(MONDAY, 9), CHAIRS[1:])
    patients = [add_patient("Desk", "One"), add_patient("Desk", "Two")]
    start = threading.Barrier(2)
    results: list[object] = []

    def desk(pid: int) -> None:
        start.wait()
        try:
            results.append(book(pid, INF, at(MONDAY, 9), staff=STAFF))
        except SlotTaken as error:
            results.append(error)
        finally:
            m.database.obj.close()

    threads = [threading.Thread(target=desk, args=(pid,)) for pid in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    lines = [r for r in results if not isinstance(r, SlotTaken)]
    refusals = [r for r in results if isinstance(r, SlotTaken)]
    assert len(lines) == 1 and len(refusals) == 1
    assert lines[0].chair == "Chair 1"
    assert refusals[0].alternatives and refusals[0].alternatives[0].start > at(MONDAY, 9)
    assert A.select().where(A.chair == m.Chair.get(m.Chair.name == "Chair 1").id).count() == 1


# --- a series ---------------------------------------------------------------------------------

def test_a_series_is_previewed_then_booked(any_db):
    pid = add_patient(phase=Phase.INTAKE)
    fill_chairs(at(WEDNESDAY, 9), CHAIRS[:2])
    plan = plan_stabilization_series(pid, 6, "mon-wed-fri", MONDAY, dt.time(9))
    assert A.select().where(A.patient == pid).count() == 0  # a preview books nothing
    assert plan.complete and len(plan.items) == 6
    assert [i.planned for i in plan.items] == [MONDAY, WEDNESDAY, FRIDAY,
                                               MONDAY + dt.timedelta(7),
                                               WEDNESDAY + dt.timedelta(7),
                                               FRIDAY + dt.timedelta(7)]
    assert [(i.slot.start, i.slot.chair) for i in plan.items[:2]] == [
        (at(MONDAY, 9), "Chair 1"), (at(WEDNESDAY, 9), "Chair 3")]
    lines = book_series(plan, staff=STAFF)
    assert [(l.start, l.chair, l.kind, l.status) for l in lines] == [
        (i.slot.start, i.slot.chair, INF, Status.BOOKED) for i in plan.items]
    reasons = (m.AppointmentEvent.select(m.AppointmentEvent.reason)
               .where(m.AppointmentEvent.appointment.in_([l.id for l in lines]))
               .order_by(m.AppointmentEvent.appointment).tuples())
    assert [r for (r,) in reasons] == [f"series {n}/6" for n in range(1, 7)]


def test_a_series_avoids_the_patients_own_appointments(any_db):
    pid = add_patient()
    book(pid, CONSULT, at(MONDAY, 9), staff=STAFF)
    plan = plan_stabilization_series(pid, 2, Pattern.MON_THU, MONDAY, dt.time(9))
    assert plan.items[0].slot.start == at(MONDAY, 10)  # after her consult
    assert plan.items[0].note == "10:00: nothing free at 09:00"


def test_a_series_puts_no_second_infusion_on_a_day_the_patient_has_one(any_db):
    """A series under way: the infusion already booked on Monday keeps Monday to itself,
    even though a chair is free that afternoon."""
    pid = add_patient(phase=Phase.STABILIZATION)
    book(pid, INF, at(MONDAY, 8), staff=STAFF)
    cancelled = book(pid, INF, at(WEDNESDAY, 8), staff=STAFF)
    cancel(cancelled.id, staff=STAFF, reason="moved")  # a cancelled one leaves the day free
    plan = plan_stabilization_series(pid, 3, "every-day", MONDAY, dt.time(14))
    assert [i.slot.start for i in plan.items] == [at(TUESDAY, 14), at(WEDNESDAY, 14),
                                                  at(THURSDAY, 14)]
    assert plan.items[0].note.startswith("moved from Mon 23 Nov")
    lines = book_series(plan, staff=STAFF)
    days = [l.start.date() for l in booking_context(pid, SATURDAY).upcoming]
    assert sorted(days) == sorted(set(days)) == [MONDAY, TUESDAY, WEDNESDAY, THURSDAY]
    assert len(lines) == 3


def test_a_series_is_all_or_nothing(any_db):
    pid = add_patient()
    plan = plan_stabilization_series(pid, 4, "tue-thu", MONDAY, dt.time(9))
    third = plan.items[2].slot
    # another desk takes every chair at the third infusion's time meanwhile
    fill_chairs(third.start)
    before = count_rows()
    with pytest.raises(SlotTaken, match=r"infusion 3 \(Tue 01 Dec 09:00\).*nothing was booked"):
        book_series(plan, staff=STAFF)
    assert count_rows() == before
    assert A.select().where(A.patient == pid).count() == 0


def test_a_series_with_its_chair_taken_since_the_preview_books_nothing(any_db):
    pid = add_patient()
    plan = plan_stabilization_series(pid, 3, "every-day", MONDAY, dt.time(14))
    fill_chairs(plan.items[1].slot.start, [plan.items[1].slot.chair])
    with pytest.raises(SlotTaken, match="infusion 2 .*Chair 1 is taken"):
        book_series(plan, staff=STAFF)
    assert A.select().where(A.patient == pid).count() == 0


def test_a_series_whose_first_start_has_passed_since_the_preview_books_nothing(any_db):
    clock.set_now(at(MONDAY, 8, 50))
    pid = add_patient()
    plan = plan_stabilization_series(pid, 3, "mon-wed-fri", MONDAY, dt.time(9))
    assert plan.items[0].slot.start == at(MONDAY, 9)
    clock.set_now(at(MONDAY, 9, 1))
    with pytest.raises(ValidationError, match=r"infusion 1 \(Mon 23 Nov 09:00\): 2026-11-23 "
                                              r"09:00 has already passed; nothing was booked"):
        book_series(plan, staff=STAFF)
    assert A.select().where(A.patient == pid).count() == 0


def test_a_series_with_an_unplaced_infusion_cannot_be_booked(db_path):
    pid = add_patient()
    full_days = [MONDAY + dt.timedelta(days=n) for n in range(16)]
    with write_transaction():
        m.Chair.update(active=False).where(m.Chair.name != "Chair 1").execute()
    for day in full_days:
        if day.weekday() < 5:
            fill_chairs(at(day, 8), ["Chair 1"], minutes=480)
            fill_chairs(at(day, 16), ["Chair 1"], minutes=120)
    plan = plan_stabilization_series(pid, 2, "every-day", MONDAY, dt.time(9))
    assert not plan.complete and plan.items[0].slot is None
    with pytest.raises(Conflict, match="planned for Mon 23 Nov has no free chair"):
        book_series(plan, staff=STAFF)
    assert A.select().where(A.patient == pid).count() == 0


def test_a_series_refuses_bad_counts_patterns_and_patients(db_path):
    pid = add_patient()
    with pytest.raises(ValidationError, match="1-12"):
        plan_stabilization_series(pid, 13, "tue-thu", MONDAY, dt.time(9))
    with pytest.raises(ValidationError, match="pattern 'weekly'"):
        plan_stabilization_series(pid, 3, "weekly", MONDAY, dt.time(9))
    with pytest.raises(NotFound):
        plan_stabilization_series(10**6, 3, "tue-thu", MONDAY, dt.time(9))


# --- rescheduling and cancelling ------------------------------------------------------------------

def test_rescheduling_cancels_the_old_and_links_the_new(any_db):
    pid = add_patient()
    old = book(pid, INF, at(TUESDAY, 9), staff=STAFF)
    moved = reschedule(old.id, at(THURSDAY, 11), staff="amara", reason="car trouble")
    assert (moved.cancelled.appointment_id, moved.cancelled.to_status,
            moved.cancelled.late_cancellation) == (old.id, Status.CANCELLED, False)
    row = A.get_by_id(old.id)
    assert (row.status, row.cancel_reason, row.late_cancellation) == (
        "cancelled", "rescheduled: car trouble", False)
    new = A.get_by_id(moved.booked.id)
    assert (new.rescheduled_from_id, _dt(new.start), new.duration_minutes, new.kind) == (
        old.id, at(THURSDAY, 11), 90, "infusion")
    assert moved.booked.status_by == "amara" and moved.booked.chair == "Chair 1"
    event = m.AppointmentEvent.get(m.AppointmentEvent.appointment == new.id)
    assert event.reason == "rescheduled from 2026-11-24 09:00"
    audit = m.AuditEntry.get(m.AuditEntry.action == "book", m.AuditEntry.entity_id == new.id)
    assert json.loads(audit.detail) == {"kind": "infusion", "rescheduled_from": old.id}


def test_rescheduling_under_24_hours_before_is_a_late_cancellation(any_db):
    pid = add_patient()
    old = book(pid, INF, at(MONDAY, 9), staff=STAFF)
    clock.set_now(at(SUNDAY, 9, 1))  # 23 h 59 min before
    moved = reschedule(old.id, at(TUESDAY, 9), staff=STAFF, reason="work")
    assert moved.cancelled.late_cancellation and A.get_by_id(old.id).late_cancellation
    other = book(pid, INF, at(THURSDAY, 9), staff=STAFF)
    assert not reschedule(other.id, at(FRIDAY, 9), staff=STAFF,
                          reason="work").cancelled.late_cancellation


def test_moving_within_the_same_chairs_own_time(any_db):
    pid = add_patient()
    old = book(pid, INF, at(MONDAY, 9), staff=STAFF, chair="Chair 2")
    fill_chairs(at(MONDAY, 9, 30), ["Chair 1", "Chair 3", "Chair 4"])
    moved = reschedule(old.id, at(MONDAY, 9, 30), staff=STAFF, reason="later bus")
    assert (moved.booked.start, moved.booked.chair) == (at(MONDAY, 9, 30), "Chair 2")
    again = reschedule(moved.booked.id, at(MONDAY, 9, 45), staff=STAFF, reason="later",
                       chair="chair 2")
    assert (again.booked.start, again.booked.chair) == (at(MONDAY, 9, 45), "Chair 2")


def test_a_patients_own_appointment_does_not_clash_with_its_move(any_db):
    pid = add_patient()
    old = book(pid, CONSULT, at(MONDAY, 9), staff=STAFF)
    moved = reschedule(old.id, at(MONDAY, 9, 30), staff=STAFF, reason="later")
    assert (moved.booked.start, moved.booked.ends_at) == (at(MONDAY, 9, 30), at(MONDAY, 10, 30))


def test_a_refused_reschedule_changes_nothing(any_db):
    pid = add_patient()
    old = book(pid, INF, at(MONDAY, 9), staff=STAFF)
    fill_chairs(at(TUESDAY, 9))
    before = count_rows()
    with pytest.raises(SlotTaken) as caught:
        reschedule(old.id, at(TUESDAY, 9), staff=STAFF, reason="x")
    assert count_rows() == before and A.get_by_id(old.id).status == "booked"
    # the alternatives may use the time the moved appointment holds now
    assert caught.value.alternatives[0].start == at(TUESDAY, 10, 30)
    for slot in caught.value.alternatives:
        assert slot.start >= at(TUESDAY, 9)
    with pytest.raises(ValidationError, match="say why"):
        reschedule(old.id, at(WEDNESDAY, 9), staff=STAFF, reason="  ")
    with pytest.raises(Conflict, match="outside opening hours"):
        reschedule(old.id, at(WEDNESDAY, 19), staff=STAFF, reason="x")
    with pytest.raises(Conflict, match="someone else changed this appointment"):
        reschedule(old.id, at(WEDNESDAY, 9), staff=STAFF, reason="x", expected_version=7)
    assert count_rows() == before and A.get_by_id(old.id).status == "booked"
    consult = book(pid, CONSULT, at(WEDNESDAY, 9), staff=STAFF)
    before = count_rows()
    with pytest.raises(Conflict, match="already has an appointment from 09:00 to 10:00"):
        reschedule(old.id, at(WEDNESDAY, 9, 30), staff=STAFF, reason="x")
    assert count_rows() == before and A.get_by_id(old.id).status == "booked"
    clock.set_now(at(WEDNESDAY, 9, 5))
    set_status(consult.id, Status.ARRIVED, staff=STAFF)
    before = count_rows()
    with pytest.raises(Conflict):  # the flow cancels only a booked one
        reschedule(consult.id, at(THURSDAY, 9), staff=STAFF, reason="x")
    assert count_rows() == before and A.get_by_id(consult.id).status == "arrived"
    with pytest.raises(NotFound):
        reschedule(10**6, at(WEDNESDAY, 9), staff=STAFF, reason="x")


def test_rescheduling_the_alternatives_can_take_the_old_time(any_db):
    pid = add_patient()
    old = book(pid, INF, at(MONDAY, 9), staff=STAFF, chair="Chair 1")
    fill_chairs(at(MONDAY, 8), ["Chair 2", "Chair 3", "Chair 4"], minutes=480)
    with pytest.raises(SlotTaken) as caught:
        reschedule(old.id, at(MONDAY, 8), staff=STAFF, reason="earlier", chair="Chair 2")
    starts = [s.start for s in caught.value.alternatives]
    assert starts[0] == at(MONDAY, 8) and caught.value.alternatives[0].chair == "Chair 1"


def test_cancel_needs_a_reason_and_marks_a_late_one(any_db):
    pid = add_patient()
    line = book(pid, INF, at(MONDAY, 9), staff=STAFF)
    with pytest.raises(ValidationError, match="say why"):
        cancel(line.id, staff=STAFF, reason=" ")
    assert A.get_by_id(line.id).status == "booked"
    clock.set_now(at(SUNDAY, 10))
    change = cancel(line.id, staff=STAFF, reason="flu")
    row = A.get_by_id(line.id)
    assert (change.to_status, change.late_cancellation) == (Status.CANCELLED, True)
    assert (row.status, row.cancel_reason, row.late_cancellation) == ("cancelled", "flu", True)
    # the chair is free again
    assert book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair="Chair 1").chair == "Chair 1"


def test_undoing_a_cancellation_whose_chair_was_booked_since_is_refused(any_db):
    from frontdesk.services.flow import undo
    line = book(add_patient(), INF, at(MONDAY, 9), staff=STAFF, chair="Chair 1")
    change = cancel(line.id, staff=STAFF, reason="flu")
    book(add_patient(), INF, at(MONDAY, 10), staff=STAFF, chair="Chair 1")
    before = count_rows()
    with pytest.raises(Conflict, match="its chair has been booked for that time since"):
        undo(change, staff=STAFF)
    assert count_rows() == before and A.get_by_id(line.id).status == "cancelled"


# --- the patient on the phone ---------------------------------------------------------------------

def test_series_default_is_the_target_for_a_new_series(db_path):
    pid = add_patient(phase=Phase.INTAKE, target=5)
    context = booking_context(pid, SATURDAY)
    assert (context.phase, context.stabilization_target, context.series_default) == (
        Phase.INTAKE, 5, 5)
    assert context.name == "Abe, Ann" and context.chart.startswith("T-")


def test_series_default_is_what_is_left_of_a_series_under_way(any_db):
    pid = add_patient(phase=Phase.STABILIZATION, since=D(2026, 11, 2), target=6)
    with write_transaction():
        staff = m.Staff.get_or_create(username=STAFF, defaults={"created_at": NOW})[0].id
        for day, status in [(D(2026, 10, 28), "completed"),   # before the phase: not counted
                            (D(2026, 11, 4), "completed"), (D(2026, 11, 6), "completed"),
                            (D(2026, 11, 9), "no_show")]:
            A.create(patient=pid, kind="infusion", start=at(day, 9), duration_minutes=90,
                     ends_at=at(day, 10, 30), chair=None, status=status, status_at=NOW,
                     status_by=staff, booked_at=NOW, booked_by=staff)
    book(pid, INF, at(MONDAY, 9), staff=STAFF)
    book(pid, CONSULT, at(TUESDAY, 9), staff=STAFF)
    context = booking_context(pid, SATURDAY)
    assert (context.infusions_completed, context.infusions_booked) == (2, 1)
    assert context.series_default == 6 - 2 - 1
    assert [(l.start, l.kind) for l in context.upcoming] == [(at(MONDAY, 9), INF),
                                                             (at(TUESDAY, 9), CONSULT)]
    for day in (WEDNESDAY, THURSDAY, FRIDAY):
        book(pid, INF, at(day, 9), staff=STAFF)
    context = booking_context(pid, SATURDAY)
    assert context.series_default == 0  # all booked: nothing left, never past the target
    with pytest.raises(ValidationError, match="target is 6 infusions and 2 completed and 4 "
                                              "booked: nothing is left to book"):
        plan_stabilization_series(pid, 1, "every-day", SATURDAY + dt.timedelta(days=9),
                                  dt.time(9))


def test_booking_context_of_an_unknown_patient(db_path):
    with pytest.raises(NotFound):
        booking_context(10**6, SATURDAY)


# --- free slots -------------------------------------------------------------------------------

def test_find_slots_never_before_now(any_db):
    clock.set_now(at(MONDAY, 10, 7))
    slots = find_slots(INF, at(MONDAY, 8), 3)
    assert [s.start for s in slots] == [at(MONDAY, 10, 15), at(MONDAY, 10, 30),
                                        at(MONDAY, 10, 45)]
    assert find_slots(CONSULT, at(SATURDAY, 0), 1)[0].start == at(MONDAY, 10, 15)
    assert all(s.start >= clock.now() for s in free_on(INF, MONDAY))
    assert free_on(INF, MONDAY)[0].start == at(MONDAY, 10, 15)
    assert free_on(INF, SUNDAY) == []


def test_find_slots_skips_full_chairs_and_closed_days(any_db):
    clock.set_now(at(FRIDAY, 8))
    for hour in range(8, 18, 2):
        fill_chairs(at(FRIDAY, hour), minutes=120)
    slots = find_slots(INF, at(FRIDAY, 8), 2)
    monday = MONDAY + dt.timedelta(days=7)
    assert slots == [Slot(at(monday, 8), at(monday, 9, 30), "Chair 1"),
                     Slot(at(monday, 8, 15), at(monday, 9, 45), "Chair 1")]


def test_find_slots_with_a_patient_skips_their_own_appointments(any_db):
    pid = add_patient()
    book(pid, CONSULT, at(MONDAY, 9), staff=STAFF)
    with_patient = find_slots(INF, at(MONDAY, 8), 4, patient_id=pid)
    anyone = find_slots(INF, at(MONDAY, 8), 4)
    assert [s.start for s in anyone] == [at(MONDAY, 8), at(MONDAY, 8, 15), at(MONDAY, 8, 30),
                                         at(MONDAY, 8, 45)]
    assert [s.start for s in with_patient] == [at(MONDAY, 10), at(MONDAY, 10, 15),
                                               at(MONDAY, 10, 30), at(MONDAY, 10, 45)]
    for slot in with_patient:
        assert_really_free(slot, INF, pid, 90)


def test_find_slots_count_length_and_exclude(any_db):
    pid = add_patient()
    line = book(pid, INF, at(MONDAY, 8), staff=STAFF)
    fill_chairs(at(MONDAY, 8), CHAIRS[1:])
    assert find_slots(INF, at(MONDAY, 8), 1)[0].start == at(MONDAY, 9, 30)
    assert find_slots(INF, at(MONDAY, 8), 1, exclude_appointment=line.id,
                      patient_id=pid) == [Slot(at(MONDAY, 8), at(MONDAY, 9, 30), "Chair 1")]
    assert len(find_slots(CONSULT, at(MONDAY, 8), 25)) == 25
    long = find_slots(INF, at(MONDAY, 16), 2, duration=120)
    assert [s.start for s in long] == [at(MONDAY, 16), at(TUESDAY, 8)]


@pytest.mark.parametrize("horizon", [3, 10])
def test_find_slots_stops_at_the_horizon(db_path, horizon):
    with write_transaction():
        m.Chair.update(active=False).execute()
    assert find_slots(INF, at(MONDAY, 8), 5, horizon_days=horizon) == []  # no chair at all
    with write_transaction():
        m.Chair.update(active=True).where(m.Chair.name == "Chair 2").execute()
    slots = find_slots(INF, at(MONDAY, 8), 10**4, horizon_days=horizon)
    assert slots and all(s.chair == "Chair 2" for s in slots)
    assert max(s.day for s in slots) <= MONDAY + dt.timedelta(days=horizon)
    assert len(slots) == sum(len(free_on(INF, MONDAY + dt.timedelta(days=n)))
                             for n in range(horizon + 1))


def test_find_slots_agrees_with_free_on_day_by_day(any_db):
    clock.set_now(at(MONDAY, 11, 3))
    pid = add_patient()
    fill_chairs(at(MONDAY, 12), CHAIRS[:3])
    fill_chairs(at(TUESDAY, 8), CHAIRS, minutes=300)
    book(pid, ASSESS, at(WEDNESDAY, 9), staff=STAFF)
    slots = find_slots(INF, at(MONDAY, 0), 10**4, patient_id=pid, horizon_days=4)
    by_day = [s for n in range(5)
              for s in free_on(INF, MONDAY + dt.timedelta(days=n), patient_id=pid)]
    assert slots == by_day
    for slot in slots:
        assert_really_free(slot, INF, pid, 90)


def test_hours_text():
    assert booking.hours_text(booking.ClinicSettings()) == "Mon, Tue, Wed, Thu, Fri 08:00-18:00"


# --- the finder on random clinics, against the domain's finder over the rows read back ----------

_visit = st.tuples(st.integers(0, 5), st.integers(6 * 4, 18 * 4),        # day, quarter hour
                   st.sampled_from([30, 60, 90, 240]), st.sampled_from(list(Kind)),
                   st.sampled_from(list(Status)), st.sampled_from(CHAIRS),
                   st.integers(0, 1))                                     # which patient


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(visits=st.lists(_visit, max_size=30), now_quarter=st.integers(0, 4 * 24 * 3),
       kind=st.sampled_from([INF, CONSULT]), which=st.integers(0, 1))
def test_find_slots_agrees_with_the_domain_on_random_clinics(db_path, visits, now_quarter,
                                                              kind, which):
    with write_transaction():
        m.AppointmentEvent.delete().execute()
        A.delete().execute()
    patients = [P.select(P.id).where(P.chart_number == c).scalar() or add_patient(chart=c)
                for c in ("R-1", "R-2")]
    with write_transaction():
        staff = m.Staff.get_or_create(username=STAFF, defaults={"created_at": NOW})[0].id
        plan = ChairPlan()
        for day, quarter, minutes, vkind, status, chair, who in visits:
            start = at(MONDAY, 0) + dt.timedelta(days=day, minutes=15 * quarter)
            end = start + dt.timedelta(minutes=minutes)
            chair = plan.place(vkind, status, start, end, chair, CHAIRS)
            A.create(patient=patients[who], kind=vkind.value, start=start,
                     duration_minutes=minutes, ends_at=end,
                     chair=m.Chair.get(m.Chair.name == chair).id if chair else None,
                     status=status.value, status_at=NOW, status_by=staff, booked_at=NOW,
                     booked_by=staff)
    now = at(SATURDAY, 0) + dt.timedelta(minutes=15 * now_quarter + 7)
    clock.set_now(now)
    patient = patients[which]
    got = find_slots(kind, at(SATURDAY, 0), 10**4, patient_id=patient, horizon_days=8)
    rows = [(_dt(s), _dt(e), k, st_, c, p) for s, e, k, st_, c, p in A.select(
        A.start, A.ends_at, A.kind, A.status, m.Chair.name, A.patient)
        .join(m.Chair, JOIN.LEFT_OUTER).tuples()]
    chair_taken = {c: [(s, e) for s, e, k, st_, name, _ in rows
                       if name == c and holds_chair(k, st_, name)]
                   for c in CHAIRS}
    patient_taken = [(s, e) for s, e, _, st_, _, p in rows
                     if p == patient and holds_patient(st_)]
    patient_days = {s.date() for s, _, k, st_, _, p in rows
                    if p == patient and kind == INF and holds_patient_day(k, st_)}
    expected = list(free_slots(booking.ClinicSettings(), 90 if kind == INF else 60,
                               now.replace(second=0), now.date() + dt.timedelta(days=8),
                               chairs=CHAIRS if kind == INF else None,
                               chair_taken=chair_taken, patient_taken=patient_taken,
                               patient_days=patient_days))
    assert got == expected
    assert all(s.start >= now for s in got)


# --- one infusion a patient a day (DOMAIN.md), for every way of booking ------------------------

def test_a_second_infusion_the_same_day_is_refused(any_db):
    pid = add_patient()
    book(pid, INF, at(FRIDAY, 8), staff=STAFF)
    with pytest.raises(Conflict, match="already has an infusion on Fri 27 Nov: one infusion"):
        book(pid, INF, at(FRIDAY, 16, 30), staff=STAFF)
    # another kind the same day, and an infusion the next open day, are fine
    assert book(pid, CONSULT, at(FRIDAY, 12), staff=STAFF).kind == CONSULT
    assert book(pid, INF, at(MONDAY, 16, 30), staff=STAFF).kind == INF


def test_a_cancelled_or_missed_infusion_frees_the_day(any_db):
    pid = add_patient()
    dropped = book(pid, INF, at(MONDAY, 8), staff=STAFF)
    cancel(dropped.id, staff=STAFF, reason="sick")
    assert book(pid, INF, at(MONDAY, 14), staff=STAFF).start == at(MONDAY, 14)


def test_slots_offer_no_start_on_a_day_the_patient_has_an_infusion(any_db):
    pid = add_patient()
    book(pid, INF, at(MONDAY, 8), staff=STAFF)
    slots = find_slots(INF, at(MONDAY, 8), 5, patient_id=pid)
    assert slots and all(s.day == TUESDAY for s in slots)
    assert free_on(INF, MONDAY, patient_id=pid) == []
    # consults are not one a day: Monday after the infusion is offered
    assert find_slots(CONSULT, at(MONDAY, 8), 1, patient_id=pid)[0].start == at(MONDAY, 9, 30)
    # without the patient, Monday is free
    assert find_slots(INF, at(MONDAY, 8), 1)[0].day == MONDAY


def test_a_move_within_the_same_day_is_not_refused_by_itself(any_db):
    pid = add_patient()
    first = book(pid, INF, at(MONDAY, 8), staff=STAFF)
    moved = reschedule(first.id, at(MONDAY, 14), staff=STAFF, reason="asked")
    assert moved.booked.start == at(MONDAY, 14)
    other = book(pid, INF, at(TUESDAY, 8), staff=STAFF)
    with pytest.raises(Conflict, match="one infusion a day"):
        reschedule(other.id, at(MONDAY, 16), staff=STAFF, reason="asked")
    assert A.get_by_id(other.id).status == "booked"  # all or nothing


def test_the_series_default_counts_an_intake_patients_booked_infusions(any_db):
    pid = add_patient(phase=Phase.INTAKE, target=6)
    for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY):
        book(pid, INF, at(day, 9), staff=STAFF)
    context = booking_context(pid, SATURDAY)
    assert (context.infusions_booked, context.series_default) == (5, 1)
    with pytest.raises(ValidationError, match="target is 6 infusions and 5 booked: at most 1"):
        plan_stabilization_series(pid, 6, "every-day", D(2026, 11, 30), dt.time(9))
    plan = plan_stabilization_series(pid, 1, "every-day", D(2026, 11, 30), dt.time(9))
    assert len(book_series(plan, staff=STAFF)) == 1
    assert booking_context(pid, SATURDAY).series_default == 0
