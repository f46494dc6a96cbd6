"""The day's flow: moving appointments along the status flow, undo, walk-ins, the scores
taken at check-in, and the board that shows it all.

Every change runs in one write transaction, records who and when (appointment_event and the
audit trail) and bumps the appointment's version. A change made from a screen names the
version it showed; when someone changed the appointment meanwhile it is refused instead of
overwriting theirs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.chair_guard import is_chair_taken
from frontdesk.db.connection import read_snapshot, write_transaction
from frontdesk.db.queries import (agenda_order, completed_in_phase, holds_chair, holds_patient,
                                  holds_patient_day, lock_chairs, lock_patient, on_day,
                                  overlapping)
from frontdesk.domain import measures, model
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.lists import display_name
from frontdesk.domain.measures import Measure
from frontdesk.domain.model import (KINDS_NEEDING_CHAIR, KINDS_ONE_A_DAY, SEEN_STATUSES,
                                    STATUS_WORDS, UNFINISHED, Kind, Phase, Status,
                                    end_of, is_late_cancellation)
from frontdesk.domain.phases import phase_after_completed_infusion
from frontdesk.domain.status_flow import (check_can_undo, check_change, next_due,
                                          recovery_alert_cutoff, waiting_alert_cutoff)
from frontdesk.services import audit
from frontdesk.services.clinic import clinic_settings
from frontdesk.db.dialect import as_day, as_moment
from frontdesk.services.patients import rows_for_ids

A = m.Appointment
P = m.Patient
E = m.AppointmentEvent



@dataclass(frozen=True)
class StatusChange:
    """One change made: enough to show it, and to undo it."""
    appointment_id: int
    event_id: int
    from_status: Status | None   # None: the appointment was created (a walk-in)
    to_status: Status
    version: int                 # the appointment's version after the change
    phase_moved: tuple[Phase, Phase] | None = None  # an automatic phase change it caused
    late_cancellation: bool = False
    chair: str | None = None
    measurements: tuple[int, ...] = ()  # the scores the change wrote (undo takes them back)


# --- changing a status ------------------------------------------------------------------------

def _locked_appointment(appointment_id: int) -> m.Appointment:
    row = A.get_or_none(A.id == appointment_id)
    if row is None:
        raise NotFound(f"there is no appointment {appointment_id}")
    return row


def _check_version(row: m.Appointment, expected_version: int | None) -> None:
    if expected_version is None or row.version == expected_version:
        return
    who = m.Staff.get_by_id(row.status_by_id).username
    raise Conflict(f"someone else changed this appointment meanwhile (now "
                   f"{STATUS_WORDS[Status(row.status)]}, by {who} at {as_moment(row.status_at):%H:%M}); "
                   f"nothing was changed: look again and repeat if still needed")


def _event(row: m.Appointment, new: Status | None, staff: int, now: dt.datetime, reason: str,
           undoes: int | None = None) -> m.AppointmentEvent:
    return E.create(appointment=row.id, at=now, staff=staff,
                    from_status=row.status if new is not None else None,
                    to_status=(new or Status(row.status)).value, reason=reason,
                    from_status_at=row.status_at if new is not None else None,
                    from_status_by=row.status_by_id if new is not None else None,
                    undoes=undoes)


def _save(row: m.Appointment, **changes) -> int:
    """Write the changes and bump the version (the row was read in this transaction)."""
    changed = (A.update(**changes, version=A.version + 1)
               .where(A.id == row.id, A.version == row.version).execute())
    if not changed:  # cannot happen under the write lock; kept as the guard of last resort
        raise Conflict("someone else changed this appointment meanwhile; nothing was changed")
    return row.version + 1


def set_status(appointment_id: int, new_status: Status | str, *, staff: str,
               reason: str = "", expected_version: int | None = None,
               confirmed: bool = False) -> StatusChange:
    """Move an appointment along the status flow (domain.status_flow).

    Arriving, the chair and recovery are refused on another day than today; a no-show before
    the start time and any change to a past day's appointment raise NeedsConfirmation unless
    `confirmed`, and a confirmed one is recorded as such (the event's reason, the audit).
    Completing an infusion may move the patient's phase (domain.phases). A cancellation less
    than 24 h before the start is recorded as late.
    """
    try:
        new = Status(new_status)
    except ValueError:
        raise ValidationError(f"unknown status {new_status!r} (one of: "
                              f"{', '.join(s.value for s in Status)})") from None
    reason = (reason or "").strip()
    with write_transaction():
        staff_id = audit.staff_id(staff)
        row = _locked_appointment(appointment_id)
        _check_version(row, expected_version)
        now = clock.now()
        confirmation = check_change(Kind(row.kind), Status(row.status), new,
                                    as_moment(row.start), now, confirmed=confirmed)
        late = new == Status.CANCELLED and is_late_cancellation(as_moment(row.start), now)
        said = "; ".join(filter(None, [reason, confirmation and f"confirmed: {confirmation}"]))
        event = _event(row, new, staff_id, now, said)
        extra = {}
        if new == Status.CANCELLED:
            extra = {"late_cancellation": late, "cancel_reason": reason or None}
        version = _save(row, status=new.value, status_at=now, status_by=staff_id, **extra)
        moved = None
        if new == Status.COMPLETED and row.kind == Kind.INFUSION.value:
            moved = _phase_after_infusion(row, event.id, staff_id, now)
        audit.record(staff_id, "set_status", "appointment", row.id, to=new.value,
                     **({"late": True} if late else {}),
                     **({"confirmed": confirmation} if confirmation else {}))
        chair = m.Chair.get_by_id(row.chair_id).name if row.chair_id else None
        return StatusChange(appointment_id=row.id, event_id=event.id,
                            from_status=Status(row.status), to_status=new, version=version,
                            phase_moved=moved, late_cancellation=late, chair=chair)


def _phase_after_infusion(row: m.Appointment, event_id: int, staff_id: int,
                          now: dt.datetime) -> tuple[Phase, Phase] | None:
    """Completing the first infusion starts stabilization; completing the N-th ends it."""
    # locked: two of the patient's infusions completed at once must both be counted
    patient = lock_patient(row.patient_id)
    phase = Phase(patient.phase)
    if phase not in (Phase.INTAKE, Phase.STABILIZATION):
        return None
    day = as_moment(row.start).date()
    since = day if phase == Phase.INTAKE else patient.phase_since
    completed = A.select().where(A.patient == patient.id, completed_in_phase(since)).count()
    new = phase_after_completed_infusion(phase, completed, patient.stabilization_target)
    if new == phase:
        return None
    if phase == Phase.INTAKE and new == Phase.MAINTENANCE:  # never skip the series
        new = Phase.STABILIZATION
    reason = (f"automatic: infusion {completed} of {patient.stabilization_target} completed"
              if new == Phase.MAINTENANCE else "automatic: first infusion completed")
    m.PhaseChange.create(patient=patient.id, at=now, staff=staff_id, from_phase=phase.value,
                         to_phase=new.value, reason=reason, from_since=patient.phase_since,
                         appointment_event=event_id)
    (P.update(phase=new.value, phase_since=day, version=P.version + 1, updated_at=now)
     .where(P.id == patient.id).execute())
    audit.record(staff_id, "phase_change", "patient", patient.id, to=new.value, automatic=True)
    return phase, new


def undo(change: StatusChange, *, staff: str) -> StatusChange:
    """Put back what `change` did, if nobody changed the appointment since.

    The undo is an event of its own. An automatic phase change the change caused is
    reversed too; a walk-in is cancelled ("walk-in undone"). The scores a check-in or a
    walk-in wrote are taken back with it: those Measurement rows are deleted (they were part
    of the change being undone; the audit trail keeps an "undo_scores" entry naming them).
    A cancellation or a no-show undone holds the patient's time and day again: refused when
    the patient has since been given another appointment then, or another infusion that
    day."""
    with write_transaction():
        staff_id = audit.staff_id(staff)
        row = _locked_appointment(change.appointment_id)
        if row.version != change.version:
            raise Conflict(f"the appointment was changed after that (now "
                           f"{STATUS_WORDS[Status(row.status)]}), so it was not undone")
        check_can_undo(Status(row.status), change.to_status)
        undone = E.get_by_id(change.event_id)
        if undone.undoes_id is not None:
            # putting the change back would lose what it decided (a cancellation's lateness
            # and reason, a completion's phase move): the desk makes the change again
            raise Conflict("that was an undo, which cannot be undone: make the change again")
        now = clock.now()
        if change.to_status in (Status.CANCELLED, Status.NO_SHOW):
            lock_patient(row.patient_id, P.id)  # two desks must not both take the time back
            _check_patient_free(row, change.to_status)
        if change.from_status is None:  # a walk-in: created as arrived
            back, fields = Status.CANCELLED, {"status_at": now, "status_by": staff_id,
                                              "cancel_reason": "walk-in undone",
                                              "late_cancellation": False}
        else:
            back = change.from_status
            fields = {"status_at": undone.from_status_at or row.booked_at,
                      "status_by": undone.from_status_by_id or row.booked_by_id}
            if change.to_status == Status.CANCELLED:
                fields |= {"late_cancellation": False, "cancel_reason": None}
        event = E.create(appointment=row.id, at=now, staff=staff_id, from_status=row.status,
                         to_status=back.value, reason="undo", from_status_at=row.status_at,
                         from_status_by=row.status_by_id, undoes=undone.id)
        if change.to_status == Status.CANCELLED and row.chair_id is not None:
            # like a booking, wait for the chairs (PostgreSQL), so the guard refuses cleanly
            lock_chairs()
        try:  # a cancellation undone: its chair may have been booked since
            version = _save(row, status=back.value, **fields)
        except IntegrityError as error:
            if not is_chair_taken(error):
                raise
            raise Conflict(f"{STATUS_WORDS[change.to_status]} not undone: its chair has been booked "
                           f"for that time since; book the patient again") from None
        moved = _undo_phase_change(undone.id, row.patient_id, staff_id, now)
        _undo_scores(change, row, staff_id)
        audit.record(staff_id, "undo_status", "appointment", row.id, to=back.value)
        return StatusChange(appointment_id=row.id, event_id=event.id,
                            from_status=change.to_status, to_status=back, version=version,
                            phase_moved=moved)


def _check_patient_free(row: m.Appointment, undone: Status) -> None:
    """Undoing a cancellation or a no-show makes the appointment hold the patient's time (and
    day, for an infusion) again: not when something else of theirs holds it now."""
    mine = (A.patient == row.patient_id) & (A.id != row.id)
    start, ends = as_moment(row.start), as_moment(row.ends_at)
    clash = (A.select(A.start, A.kind).where(mine, holds_patient(), overlapping(start, ends))
             .order_by(A.start).first())
    if clash is not None:
        article = "an" if clash.kind[0] in "aeiou" else "a"
        raise Conflict(f"{STATUS_WORDS[undone]} not undone: the patient has {article} "
                       f"{clash.kind} at {as_moment(clash.start):%H:%M} since; "
                       f"book the patient again if still needed")
    if row.kind in KINDS_ONE_A_DAY:
        other = (A.select(A.start, A.kind).where(mine, holds_patient_day(),
                                                on_day(start.date()))
                 .order_by(A.start).first())
        if other is not None:
            raise Conflict(f"{STATUS_WORDS[undone]} not undone: the patient has another "
                           f"{other.kind} that day ({as_moment(other.start):%H:%M}), and "
                           f"one infusion a day is the most")


def _undo_scores(change: StatusChange, row: m.Appointment, staff_id: int) -> None:
    """The scores the undone change wrote go with it (deleted: see undo)."""
    if not change.measurements:
        return
    gone = (m.Measurement.delete()
            .where(m.Measurement.id.in_(list(change.measurements)),
                   m.Measurement.appointment == row.id).execute())
    if gone:
        audit.record(staff_id, "undo_scores", "patient", row.patient_id,
                     appointment=row.id, measurements=list(change.measurements))


def _undo_phase_change(event_id: int, patient_id: int, staff_id: int,
                       now: dt.datetime) -> tuple[Phase, Phase] | None:
    caused = m.PhaseChange.get_or_none(m.PhaseChange.appointment_event == event_id)
    if caused is None:
        return None
    patient = P.get_by_id(patient_id)
    later = (m.PhaseChange.select().where(m.PhaseChange.patient == patient_id,
                                          m.PhaseChange.id > caused.id).exists())
    if later or patient.phase != caused.to_phase:
        raise Conflict("the patient's phase was changed after that, so it was not undone")
    m.PhaseChange.create(patient=patient_id, at=now, staff=staff_id,
                         from_phase=caused.to_phase, to_phase=caused.from_phase,
                         reason="undo: the completed infusion was undone",
                         from_since=patient.phase_since)
    (P.update(phase=caused.from_phase, phase_since=caused.from_since or patient.phase_since,
              version=P.version + 1, updated_at=now).where(P.id == patient_id).execute())
    audit.record(staff_id, "phase_change", "patient", patient_id, to=caused.from_phase,
                 undo=True)
    return Phase(caused.to_phase), Phase(caused.from_phase)


# --- check-in ---------------------------------------------------------------------------------

def _record_scores(patient_id: int, appointment_id: int | None, staff_id: int,
                   now: dt.datetime, phq9: int | None, gad7: int | None) -> tuple[int, ...]:
    """The Measurement row's id, in a tuple (empty when there was nothing to record)."""
    phq9 = measures.check_score(Measure.PHQ9, phq9)
    gad7 = measures.check_score(Measure.GAD7, gad7)
    if phq9 is None and gad7 is None:
        return ()
    row = m.Measurement.create(patient=patient_id, appointment=appointment_id, taken_at=now,
                               phq9=phq9, gad7=gad7, staff=staff_id)
    audit.record(staff_id, "record_scores", "patient", patient_id)
    return (row.id,)


def record_scores(patient_id: int, *, staff: str, phq9: int | None = None,
                  gad7: int | None = None, appointment_id: int | None = None) -> None:
    """Questionnaire totals from the paper forms (either may be left out, not both)."""
    if phq9 is None and gad7 is None:
        raise ValidationError("enter a PHQ-9 or a GAD-7 total")
    with write_transaction():
        staff_id = audit.staff_id(staff)
        if not P.select().where(P.id == patient_id).exists():
            raise NotFound("that patient is no longer in the database")
        if appointment_id is not None and not A.select().where(
                A.id == appointment_id, A.patient == patient_id).exists():
            raise NotFound("that appointment is not this patient's, or no longer there")
        _record_scores(patient_id, appointment_id, staff_id, clock.now(), phq9, gad7)


def check_in(appointment_id: int, *, staff: str, expected_version: int | None = None,
             phq9: int | None = None, gad7: int | None = None) -> StatusChange:
    """Arrived, with the scores from the paper forms if there are any: all or nothing."""
    measures.check_score(Measure.PHQ9, phq9)
    measures.check_score(Measure.GAD7, gad7)
    with write_transaction():  # the outer transaction: set_status's becomes a savepoint
        change = set_status(appointment_id, Status.ARRIVED, staff=staff,
                            expected_version=expected_version)
        patient_id = A.get_by_id(appointment_id).patient_id
        written = _record_scores(patient_id, appointment_id, audit.staff_id(staff),
                                 clock.now(), phq9, gad7)
        return dataclasses.replace(change, measurements=written)


@dataclass(frozen=True)
class TodayForPatient:
    """What checking in this patient today means: their booked appointment, or a walk-in."""
    patient_id: int
    name: str
    chart: str
    booked: "BoardLine | None"   # the first appointment still booked today
    in_clinic: "BoardLine | None"  # already arrived and not finished
    # the infusion holding the patient's day (one a day): no walk-in infusion then
    infusion_today: "BoardLine | None" = None

    @property
    def walk_in_kinds(self) -> tuple[Kind, ...]:
        """The kinds a walk-in can be today (an infusion only when none holds the day)."""
        return tuple(kind for kind in Kind
                     if not (kind in KINDS_ONE_A_DAY and self.infusion_today is not None))

    @property
    def no_walk_in_infusion(self) -> str:
        """Why a walk-in infusion is refused today ("" when it is not)."""
        line = self.infusion_today
        return "" if line is None else _one_infusion_a_day(line.start, line.status)


def _one_infusion_a_day(start: dt.datetime, status: Status) -> str:
    return (f"the patient already has an infusion today ({start:%H:%M}, "
            f"{STATUS_WORDS[status]}): one infusion a day, so no walk-in infusion; "
            f"a consult or an assessment can be checked in")


def today_for_patient(patient_id: int, day: dt.date) -> TodayForPatient:
    with read_snapshot():
        patient = P.get_or_none(P.id == patient_id)
        if patient is None:
            raise NotFound("that patient is no longer in the database")
        ids = [aid for (aid,) in A.select(A.id).where(A.patient == patient_id, on_day(day))
               .order_by(A.start, A.id).tuples()]
        lines = board_lines(ids, day)
    booked = next((line for line in lines if line.status == Status.BOOKED), None)
    in_clinic = next((line for line in lines
                      if line.status in SEEN_STATUSES - {Status.COMPLETED}), None)
    infusion = next((line for line in lines
                     if model.holds_patient_day(line.kind, line.status)), None)
    return TodayForPatient(patient_id=patient_id, chart=patient.chart_number,
                           name=display_name(patient.last_name, patient.first_name),
                           booked=booked, in_clinic=in_clinic, infusion_today=infusion)


def _free_chair(start: dt.datetime, ends: dt.datetime) -> m.Chair | None:
    busy = A.select(A.chair).where(holds_chair(), overlapping(start, ends))
    return (m.Chair.select().where(m.Chair.active, m.Chair.id.not_in(busy))
            .order_by(m.Chair.position, m.Chair.name).first())


def walk_in(patient_id: int, kind: Kind | str, *, staff: str, phq9: int | None = None,
            gad7: int | None = None, now: dt.datetime | None = None) -> StatusChange:
    """Check in a patient who has no appointment left today: create one that starts now,
    as arrived, in the first free chair for an infusion; refused when none is free.

    Opening hours are not checked: the patient is at the desk, and staff decide whether the
    clinic takes them (booking ahead keeps to the hours)."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise ValidationError(f"unknown appointment kind {kind!r} (one of: "
                              f"{', '.join(k.value for k in Kind)})") from None
    measures.check_score(Measure.PHQ9, phq9)
    measures.check_score(Measure.GAD7, gad7)
    now = (now or clock.now()).replace(second=0, microsecond=0)
    minutes = clinic_settings().duration_of(kind)
    ends = end_of(now, minutes)
    with write_transaction():
        staff_id = audit.staff_id(staff)
        # locked (PostgreSQL) until the walk-in is written: two desks must not both find the
        # patient free, or the same chair free
        lock_patient(patient_id, P.id)
        if kind in KINDS_NEEDING_CHAIR:
            lock_chairs()
        clash = (A.select(A.start, A.ends_at, A.status)
                 .where(A.patient == patient_id, holds_patient(), overlapping(now, ends))
                 .order_by(A.start).first())
        if clash is not None:
            what = ("check that one in" if clash.status == Status.BOOKED.value else
                    f"{STATUS_WORDS[Status(clash.status)]}, planned until "
                    f"{as_moment(clash.ends_at):%H:%M}")
            raise Conflict(f"the patient already has an appointment at "
                           f"{as_moment(clash.start):%H:%M} then: {what}")
        if kind in KINDS_ONE_A_DAY:
            held = (A.select(A.start, A.status).where(A.patient == patient_id,
                                                      holds_patient_day(), on_day(now.date()))
                    .order_by(A.start).first())
            if held is not None:
                raise Conflict(_one_infusion_a_day(as_moment(held.start),
                                                   Status(held.status)))
        chair = None
        if kind in KINDS_NEEDING_CHAIR:
            chair = _free_chair(now, ends)
            if chair is None:
                raise Conflict(f"no chair is free from {now:%H:%M} to {ends:%H:%M} for a "
                               f"walk-in infusion")
        row = A.create(patient=patient_id, kind=kind.value, start=now,
                       duration_minutes=minutes, ends_at=ends,
                       chair=chair.id if chair else None, status=Status.ARRIVED.value,
                       status_at=now, status_by=staff_id, booked_at=now, booked_by=staff_id)
        event = _event(row, None, staff_id, now, "walk-in")
        written = _record_scores(patient_id, row.id, staff_id, now, phq9, gad7)
        audit.record(staff_id, "walk_in", "appointment", row.id, kind=kind.value)
        return StatusChange(appointment_id=row.id, event_id=event.id, from_status=None,
                            to_status=Status.ARRIVED, version=row.version,
                            chair=chair.name if chair else None, measurements=written)


# --- the board --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardLine:
    id: int
    start: dt.datetime
    duration_minutes: int
    ends_at: dt.datetime
    kind: Kind
    status: Status
    status_at: dt.datetime
    status_by: str
    chair: str | None
    patient_id: int
    chart: str
    name: str
    badge: str
    phase: Phase
    stalled: bool
    version: int
    late_cancellation: bool


def _in_board_order(day: dt.date, *columns, unfinished_only: bool = False):
    unfinished = (A.status.in_(sorted(s.value for s in UNFINISHED)),) if unfinished_only else ()
    return (A.select(*columns).join(P).switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
            .where(on_day(day), *unfinished).order_by(*agenda_order()).tuples())


def board_ids(day: dt.date, *, unfinished_only: bool = False) -> list[int]:
    """The day's appointments in board order: start, then chair, then name; only those still
    to see to (booked, arrived, in chair, recovery) when `unfinished_only`."""
    return [aid for (aid,) in _in_board_order(day, A.id, unfinished_only=unfinished_only)]


def next_due_id(day: dt.date, now: dt.datetime) -> int | None:
    """The appointment the board opens on: the next patient due (status_flow.next_due)."""
    found = [(aid, as_moment(start), Status(status)) for aid, start, status
             in _in_board_order(day, A.id, A.start, A.status, unfinished_only=True)]
    index = next_due([(start, status) for _, start, status in found], now)
    return None if index is None else found[index][0]


def board_lines(ids: list[int], as_of: dt.date) -> list[BoardLine]:
    """These appointments, in the order given, with their patients' badges as of the day."""
    if not ids:
        return []
    query = (A.select(A.id, A.start, A.duration_minutes, A.ends_at, A.kind, A.status,
                      A.status_at, m.Staff.username, m.Chair.name, P.id, P.chart_number,
                      P.last_name, P.first_name, A.version, A.late_cancellation)
             .join(P).switch(A).join(m.Staff, on=(A.status_by == m.Staff.id))
             .switch(A).join(m.Chair, join_type=JOIN.LEFT_OUTER)
             .where(A.id.in_(ids)).tuples())
    found = {row[0]: row for row in query}
    patients = {row.id: row for row in rows_for_ids(list({r[9] for r in found.values()}),
                                                     as_of)}
    lines = []
    for aid in ids:
        if aid not in found:
            continue
        (_, start, minutes, ends, kind, status, status_at, by, chair, pid, chart, last, first,
         version, late) = found[aid]
        patient = patients.get(pid)
        lines.append(BoardLine(
            id=aid, start=as_moment(start), duration_minutes=minutes,
            ends_at=as_moment(ends), kind=Kind(kind), status=Status(status),
            status_at=as_moment(status_at), status_by=by, chair=chair, patient_id=pid,
            chart=chart, name=display_name(last, first),
            badge=patient.badge if patient else "", phase=patient.phase if patient else None,
            stalled=patient.stalled if patient else False, version=version,
            late_cancellation=bool(late)))
    return lines


@dataclass(frozen=True)
class BoardSummary:
    day: dt.date
    by_status: dict[Status, int]
    waiting_too_long: int     # arrived longer ago than the limit
    recovery_overdue: int     # in recovery past the planned end

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def board_summary(day: dt.date, now: dt.datetime, wait_limit_minutes: int) -> BoardSummary:
    with read_snapshot():
        counts = dict(A.select(A.status, fn.COUNT(A.id)).where(on_day(day))
                      .group_by(A.status).tuples())
        waiting = (A.select().where(on_day(day), A.status == Status.ARRIVED.value,
                                    A.status_at <= waiting_alert_cutoff(now, wait_limit_minutes))
                   .count())
        overdue = (A.select().where(on_day(day), A.status == Status.RECOVERY.value,
                                    A.ends_at <= recovery_alert_cutoff(now)).count())
    return BoardSummary(day=day, by_status={s: counts.get(s.value, 0) for s in Status},
                        waiting_too_long=waiting, recovery_overdue=overdue)


def appointment_line(appointment_id: int, as_of: dt.date | None = None) -> BoardLine:
    """One appointment as the board shows it."""
    row = A.get_or_none(A.id == appointment_id)
    if row is None:
        raise NotFound(f"there is no appointment {appointment_id}")
    return board_lines([appointment_id], as_of or as_day(row.start))[0]
