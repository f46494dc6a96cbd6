"""Booking on the phone: free slots, one appointment, a whole stabilization series,
rescheduling and cancelling.

Every booking runs in one write transaction that checks the clinic's hours, the patient's
other appointments and the chair; the database itself refuses a double-booked chair
(db.chair_guard), so two desks booking the same chair at the same moment cannot both win.
The loser gets SlotTaken with the next free slots to offer instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import IntegrityError, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.chair_guard import is_chair_taken
from frontdesk.db.connection import read_snapshot, write_transaction
from frontdesk.db.dialect import as_moment
from frontdesk.db.queries import (completed_in_phase, from_day, holds_chair, holds_patient,
                                  holds_patient_day, in_days, lock_chairs, lock_patient,
                                  overlapping)
from frontdesk.domain import series as series_rules
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.dates import start_of_day, start_of_next_day
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import (DURATION_RANGE, KINDS_NEEDING_CHAIR, KINDS_ONE_A_DAY, Kind,
                                    Phase, Status, end_of)
from frontdesk.domain.series import Pattern, SeriesItem, plan_series, planned_dates
from frontdesk.domain.slots import Interval, Slot, SlotTaken, fits_hours, free_slots
from frontdesk.domain.validation import parse_kind
from frontdesk.services import audit
from frontdesk.services.clinic import active_chair_names, clinic_settings
from frontdesk.services.flow import (BoardLine, StatusChange, appointment_line, board_lines,
                                    set_status)

A = m.Appointment
P = m.Patient

#: How far ahead the finder looks for free slots.
HORIZON_DAYS = 120


def _kind(kind: Kind | str) -> Kind:
    return kind if isinstance(kind, Kind) else parse_kind(str(kind))


def _length(settings: ClinicSettings, kind: Kind, duration: int | None) -> int:
    if duration is None:
        return settings.duration_of(kind)
    if duration not in DURATION_RANGE:
        raise ValidationError(f"duration {duration} is outside "
                              f"{DURATION_RANGE.start}-{DURATION_RANGE.stop - 1} minutes")
    return duration


def hours_text(settings: ClinicSettings) -> str:
    days = ", ".join(dt.date(2024, 1, 1 + d).strftime("%a") for d in settings.open_weekdays)
    return f"{days or 'no day'} {settings.opens:%H:%M}-{settings.closes:%H:%M}"


# --- what is taken ------------------------------------------------------------------------------

def _chair_taken(first: dt.datetime, last: dt.datetime,
                 exclude: int | None = None) -> dict[str, list[Interval]]:
    """Each chair's appointments holding it that reach into [first, last)."""
    query = (A.select(m.Chair.name, A.start, A.ends_at).join(m.Chair)
             .where(holds_chair(), overlapping(first, last)))
    if exclude is not None:
        query = query.where(A.id != exclude)
    taken: dict[str, list[Interval]] = defaultdict(list)
    for chair, start, ends in query.tuples():
        taken[chair].append((as_moment(start), as_moment(ends)))
    return taken


def _patient_taken(patient_id: int | None, first: dt.datetime, last: dt.datetime,
                   exclude: int | None = None) -> list[Interval]:
    """The patient's appointments holding their time that reach into [first, last)."""
    if patient_id is None:
        return []
    query = (A.select(A.start, A.ends_at)
             .where(A.patient == patient_id, holds_patient(), overlapping(first, last)))
    if exclude is not None:
        query = query.where(A.id != exclude)
    return [(as_moment(s), as_moment(e)) for s, e in query.tuples()]


def _patient_days(patient_id: int | None, kind: Kind, first: dt.date, last: dt.date,
                  exclude: int | None = None) -> set[dt.date]:
    """The days from `first` to `last` that already hold the patient's one appointment of
    this kind (one infusion a day); none for a kind the rule does not cover."""
    if patient_id is None or kind not in KINDS_ONE_A_DAY:
        return set()
    query = A.select(A.start).where(A.patient == patient_id, holds_patient_day(),
                                    in_days(first, last))
    if exclude is not None:
        query = query.where(A.id != exclude)
    return {as_moment(start).date() for (start,) in query.tuples()}


# --- free slots ---------------------------------------------------------------------------------

def find_slots(kind: Kind | str, after: dt.datetime, count: int = 5, *,
               patient_id: int | None = None, duration: int | None = None,
               exclude_appointment: int | None = None,
               horizon_days: int = HORIZON_DAYS) -> list[Slot]:
    """The next `count` free starts at or after `after` (never before now), each with the
    first free chair for an infusion. `exclude_appointment` is one being moved."""
    return list(_slots(kind, after, count, patient_id=patient_id, duration=duration,
                       exclude_appointment=exclude_appointment, horizon_days=horizon_days))


def _slots(kind, after, count, *, patient_id, duration, exclude_appointment, horizon_days):
    kind = _kind(kind)
    settings = clinic_settings()
    length = _length(settings, kind, duration)
    chairs = active_chair_names() if kind in KINDS_NEEDING_CHAIR else None
    if chairs == []:
        return
    after = max(after, clock.now()).replace(second=0, microsecond=0)
    last_day = after.date() + dt.timedelta(days=horizon_days)
    found, window, day = 0, 2, after.date()
    while found < count and day <= last_day:
        until = min(day + dt.timedelta(days=window - 1), last_day)
        first, last = start_of_day(day), start_of_next_day(until)
        with read_snapshot():
            chair_taken = _chair_taken(first, last, exclude_appointment) if chairs else {}
            patient_taken = _patient_taken(patient_id, first, last, exclude_appointment)
            patient_days = _patient_days(patient_id, kind, day, until, exclude_appointment)
        for slot in free_slots(settings, length, max(after, first), until, chairs=chairs,
                               chair_taken=chair_taken, patient_taken=patient_taken,
                               patient_days=patient_days):
            yield slot
            found += 1
            if found >= count:
                return
        day, window = until + dt.timedelta(days=1), min(window * 2, 16)


def free_on(kind: Kind | str, day: dt.date, *, patient_id: int | None = None,
            duration: int | None = None) -> list[Slot]:
    """Every free start of one day (none before now)."""
    kind = _kind(kind)
    settings = clinic_settings()
    length = _length(settings, kind, duration)
    chairs = active_chair_names() if kind in KINDS_NEEDING_CHAIR else None
    first, last = start_of_day(day), start_of_next_day(day)
    with read_snapshot():
        chair_taken = _chair_taken(first, last) if chairs else {}
        patient_taken = _patient_taken(patient_id, first, last)
        patient_days = _patient_days(patient_id, kind, day, day)
    after = max(first, clock.now().replace(second=0, microsecond=0))
    return list(free_slots(settings, length, after, day, chairs=chairs,
                           chair_taken=chair_taken, patient_taken=patient_taken,
                           patient_days=patient_days))


# --- booking one ------------------------------------------------------------------------------

@contextmanager
def _guarded():
    """The database's double-booking guard, read as the refusal it is."""
    try:
        yield
    except IntegrityError as error:
        if is_chair_taken(error):
            raise SlotTaken("someone booked that chair at that time a moment ago") from None
        raise


def _chair_for(kind: Kind, chair: str | None, start: dt.datetime, ends: dt.datetime,
               exclude: int | None) -> m.Chair | None:
    if kind not in KINDS_NEEDING_CHAIR:
        if chair not in (None, "", "auto"):
            raise ValidationError(f"a {kind.value} takes no chair")
        return None
    taken = _chair_taken(start, ends, exclude)
    if chair in (None, "", "auto"):
        free = next((name for name in active_chair_names() if name not in taken), None)
        if free is None:
            raise SlotTaken(f"every chair is taken from {start:%H:%M} to {ends:%H:%M} "
                            f"on {start:%a %d %b}")
        return m.Chair.get(m.Chair.name == free)
    row = m.Chair.get_or_none(fn.LOWER(m.Chair.name) == chair.strip().lower())
    if row is None or not row.active:
        names = ", ".join(active_chair_names())
        raise ValidationError(f"there is no chair {chair!r} (chairs: {names})")
    if row.name in taken:
        s, e = taken[row.name][0]
        raise SlotTaken(f"{row.name} is taken from {s:%H:%M} to {e:%H:%M} on {s:%a %d %b}")
    return row


def _book_in_transaction(patient_id: int, kind: Kind, start: dt.datetime, *, staff_id: int,
                         settings: ClinicSettings, duration: int | None = None,
                         chair: str | None = None, replaces: int | None = None,
                         reason: str = "booked") -> int:
    start = start.replace(second=0, microsecond=0)
    length = _length(settings, kind, duration)
    ends = end_of(start, length)
    if start < clock.now().replace(second=0, microsecond=0):
        raise ValidationError(f"{start:%Y-%m-%d %H:%M} has already passed")
    if not fits_hours(settings, start, ends):
        raise Conflict(f"{start:%a %d %b %H:%M}-{ends:%H:%M} is outside opening hours "
                       f"({hours_text(settings)})")
    lock_patient(patient_id, P.id)
    if kind in KINDS_NEEDING_CHAIR:
        lock_chairs()
    clash = _patient_taken(patient_id, start, ends, replaces)
    if clash:
        s, e = clash[0]
        raise Conflict(f"the patient already has an appointment from {s:%H:%M} to {e:%H:%M} "
                       f"on {s:%a %d %b}")
    if _patient_days(patient_id, kind, start.date(), start.date(), replaces):
        raise Conflict(f"the patient already has an {kind.value} on {start:%a %d %b}: "
                       f"one {kind.value} a day")
    chair_row = _chair_for(kind, chair, start, ends, replaces)
    now = clock.now()
    with _guarded():
        row = A.create(patient=patient_id, kind=kind.value, start=start, duration_minutes=length,
                       ends_at=ends, chair=chair_row.id if chair_row else None,
                       status=Status.BOOKED.value, status_at=now, status_by=staff_id,
                       booked_at=now, booked_by=staff_id, rescheduled_from=replaces)
    m.AppointmentEvent.create(appointment=row.id, at=now, staff=staff_id, from_status=None,
                              to_status=Status.BOOKED.value, reason=reason)
    audit.record(staff_id, "book", "appointment", row.id, kind=kind.value,
                 **({"rescheduled_from": replaces} if replaces else {}))
    return row.id


def _with_alternatives(error: SlotTaken, kind: Kind, start: dt.datetime, patient_id: int,
                       duration: int | None, exclude: int | None = None) -> SlotTaken:
    error.alternatives = tuple(find_slots(kind, start, 5, patient_id=patient_id,
                                          duration=duration, exclude_appointment=exclude))
    return error


def book(patient_id: int, kind: Kind | str, start: dt.datetime, *, staff: str,
         duration: int | None = None, chair: str | None = None) -> BoardLine:
    """Book one appointment. `chair` None or 'auto' takes the first free chair for an
    infusion. Refused (Conflict) outside hours or when the patient is busy then; SlotTaken,
    with the next free slots, when the chair or every chair is taken."""
    kind = _kind(kind)
    settings = clinic_settings()
    try:
        with write_transaction():
            appointment_id = _book_in_transaction(
                patient_id, kind, start, staff_id=audit.staff_id(staff), settings=settings,
                duration=duration, chair=chair)
    except SlotTaken as error:
        raise _with_alternatives(error, kind, start, patient_id, duration) from None
    return appointment_line(appointment_id)


# --- a series ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeriesPlan:
    patient_id: int
    pattern: Pattern
    preferred: dt.time
    items: tuple[SeriesItem, ...]

    @property
    def complete(self) -> bool:
        return all(item.slot is not None for item in self.items)


def plan_stabilization_series(patient_id: int, count: int, pattern: Pattern | str,
                              first_day: dt.date, preferred: dt.time) -> SeriesPlan:
    """Every date of the series placed in a free chair: a preview, nothing is booked."""
    pattern = series_rules.parse_pattern(pattern) if isinstance(pattern, str) else pattern
    series_rules.check_count(count)
    settings = clinic_settings()
    with read_snapshot():
        patient = P.get_or_none(P.id == patient_id)
        if patient is None:
            raise NotFound("that patient is no longer in the database")
        completed, _, booked = _series_counts(patient, clock.today())
    _check_series_fits(Phase(patient.phase), patient.stabilization_target, completed, booked,
                       count)
    dates = planned_dates(pattern, first_day, count, settings)
    items = plan_series(dates, preferred, settings,
                        lambda day: free_on(Kind.INFUSION, day, patient_id=patient_id),
                        _patient_days(patient_id, Kind.INFUSION, dates[0], dates[-1]))
    return SeriesPlan(patient_id, pattern, preferred, tuple(items))


def _check_series_fits(phase: Phase, target: int, completed: int, booked: int,
                       count: int) -> None:
    left = series_left(phase, target, completed, booked)
    if count <= left:
        return
    so_far = (f"{completed} completed and {booked} booked" if phase == Phase.STABILIZATION
              else f"{booked} booked")
    raise ValidationError(f"the series target is {target} infusions and {so_far}: "
                          + (f"at most {left} more" if left else "nothing is left to book")
                          + " (change the patient's target to book more)")


def book_series(plan: SeriesPlan, *, staff: str) -> list[BoardLine]:
    """Book every infusion of a previewed series, or none: a slot taken since the preview
    refuses the whole series (SlotTaken naming the infusion)."""
    if not plan.complete:
        missing = next(i for i in plan.items if i.slot is None)
        raise Conflict(f"the infusion planned for {missing.planned:%a %d %b} has no free "
                       f"chair: choose another start or pattern")
    settings = clinic_settings()
    ids = []
    with write_transaction():
        staff_id = audit.staff_id(staff)
        patient = lock_patient(plan.patient_id)  # another desk may have booked meanwhile
        completed, _, booked = _series_counts(patient, clock.today())
        _check_series_fits(Phase(patient.phase), patient.stabilization_target, completed,
                           booked, len(plan.items))
        for number, item in enumerate(plan.items, start=1):
            try:
                ids.append(_book_in_transaction(
                    plan.patient_id, Kind.INFUSION, item.slot.start, staff_id=staff_id,
                    settings=settings, chair=item.slot.chair,
                    reason=f"series {number}/{len(plan.items)}"))
            except (Conflict, ValidationError) as error:  # a slot taken, or passed, since
                raise type(error)(f"infusion {number} ({item.slot.start:%a %d %b %H:%M}): "
                                  f"{error}; nothing was booked") from None
    return [appointment_line(aid) for aid in ids]


# --- moving and cancelling --------------------------------------------------------------------

@dataclass(frozen=True)
class Rescheduled:
    cancelled: StatusChange   # the old appointment, now cancelled (late when < 24 h)
    booked: BoardLine         # the new one, which points back to the old


def reschedule(appointment_id: int, start: dt.datetime, *, staff: str, reason: str,
               chair: str | None = None, expected_version: int | None = None,
               confirmed: bool = False) -> Rescheduled:
    """Move a booked appointment: the old one is cancelled with the reason (a late
    cancellation when under 24 h before its start) and a new one booked, linked to it, so
    the history keeps both. All or nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the appointment is moved")
    old = A.get_or_none(A.id == appointment_id)
    if old is None:
        raise NotFound(f"there is no appointment {appointment_id}")
    kind = Kind(old.kind)
    settings = clinic_settings()
    try:
        with write_transaction():
            cancelled = set_status(appointment_id, Status.CANCELLED, staff=staff,
                                   reason=f"rescheduled: {reason}",
                                   expected_version=expected_version, confirmed=confirmed)
            new_id = _book_in_transaction(
                old.patient_id, kind, start, staff_id=audit.staff_id(staff), settings=settings,
                duration=old.duration_minutes, chair=chair, replaces=appointment_id,
                reason=f"rescheduled from {as_moment(old.start):%Y-%m-%d %H:%M}")
    except SlotTaken as error:
        raise _with_alternatives(error, kind, start, old.patient_id, old.duration_minutes,
                                 appointment_id) from None
    return Rescheduled(cancelled, appointment_line(new_id))


def cancel(appointment_id: int, *, staff: str, reason: str,
           expected_version: int | None = None, confirmed: bool = False) -> StatusChange:
    """Cancel with a reason; under 24 h before the start it is a late cancellation. A past
    day's appointment needs `confirmed` (domain.status_flow)."""
    if not (reason or "").strip():
        raise ValidationError("say why the appointment is cancelled")
    return set_status(appointment_id, Status.CANCELLED, staff=staff, reason=reason,
                      expected_version=expected_version, confirmed=confirmed)


# --- who is booking -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BookingContext:
    """What the booking screen shows about the patient on the phone."""
    patient_id: int
    chart: str
    name: str
    phase: Phase
    stabilization_target: int
    infusions_completed: int       # in this stabilization phase
    infusions_booked: int          # booked from today on
    upcoming: tuple[BoardLine, ...]  # booked from today on, soonest first

    @property
    def series_default(self) -> int:
        """The infusions still to book: the target for a new series, what is left of a
        series under way (or planned for an intake patient); 0 when it is all booked."""
        return series_left(self.phase, self.stabilization_target, self.infusions_completed,
                           self.infusions_booked)


def series_left(phase: Phase, target: int, completed: int, booked: int) -> int:
    """How many infusions a series may still book without passing the patient's target:
    an intake patient's booked infusions are their series to come; a stabilization
    patient's completed and booked ones count; anyone else starts a new series."""
    if phase == Phase.INTAKE:
        return max(0, target - booked)
    if phase == Phase.STABILIZATION:
        return max(0, target - completed - booked)
    return target


def _series_counts(patient: m.Patient, today: dt.date) -> tuple[int, list[int], int]:
    """Completed infusions in the phase, the ids booked from today on (soonest first), and
    how many of those are infusions."""
    completed = (A.select().where(A.patient == patient.id,
                                  completed_in_phase(patient.phase_since)).count())
    ahead = (A.select(A.id, A.kind).where(A.patient == patient.id,
                                          A.status == Status.BOOKED.value, from_day(today))
             .order_by(A.start, A.id))
    rows = list(ahead.tuples())
    return completed, [aid for aid, _ in rows], sum(k == Kind.INFUSION.value for _, k in rows)


def booking_context(patient_id: int, today: dt.date, upcoming: int = 12) -> BookingContext:
    with read_snapshot():
        patient = P.get_or_none(P.id == patient_id)
        if patient is None:
            raise NotFound("that patient is no longer in the database")
        completed, ids, booked_infusions = _series_counts(patient, today)
        lines = board_lines(ids[:upcoming], today)
    return BookingContext(patient_id=patient_id, chart=patient.chart_number,
                          name=display_name(patient.last_name, patient.first_name),
                          phase=Phase(patient.phase),
                          stabilization_target=patient.stabilization_target,
                          infusions_completed=completed, infusions_booked=booked_infusions,
                          upcoming=tuple(lines))
