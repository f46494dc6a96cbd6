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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from peewee import IntegrityError, fn

from frontdesk import clock
from frontdesk.db import models as m
from frontdesk.db.chair_guard import is_chair_taken
from frontdesk.db.connection import read_snapshot, write_transaction
from frontdesk.db.dialect import as_moment
from frontdesk.db.queries import (active_chairs, completed_in_phase, from_day, holds_chair,
                                  holds_patient, holds_patient_day, in_days, lock_chairs,
                                  lock_patient, overlapping, overlapping_few)
from frontdesk.domain import series as series_rules
from frontdesk.domain.clinic import ClinicSettings
from frontdesk.domain.dates import start_of_day, start_of_next_day
from frontdesk.domain.errors import Conflict, NotFound, ValidationError
from frontdesk.domain.lists import display_name
from frontdesk.domain.model import (DURATION_RANGE, KINDS_NEEDING_CHAIR, KINDS_ONE_A_DAY, Kind,
                                    Phase, Status, end_of)
from frontdesk.domain.series import Pattern, SeriesItem, plan_series, planned_dates
from frontdesk.domain.slots import (Interval, Slot, SlotTaken, first_free_chairs, fits_hours,
                                    patient_starts)
from frontdesk.domain.validation import parse_kind
from frontdesk.services import audit
from frontdesk.services.clinic import clinic_settings
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

def _active_chairs() -> dict[int, str]:
    """The chairs in service, id to name, in the clinic's order (a chain has a thousand: read
    as the driver gives them)."""
    return dict(m.database.execute(active_chairs()))


def _chair_rows(first: dt.datetime, last: dt.datetime,
                exclude: int | None = None) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """(chair id, start, end) of each appointment holding a chair that reaches into [first,
    last). At a chain's size this is thousands of rows a search: they are read as the driver
    gives them, each distinct moment parsed once (they sit on a grid), not through peewee's
    conversion of every value."""
    query = A.select(A.chair, A.start, A.ends_at).where(holds_chair(),
                                                        overlapping_few(first, last))
    if exclude is not None:
        query = query.where(A.id != exclude)
    moments: dict[object, dt.datetime] = {}

    def moment(value) -> dt.datetime:
        parsed = moments.get(value)
        if parsed is None:
            parsed = moments[value] = as_moment(value)
        return parsed

    return [(chair, moment(start), moment(ends))
            for chair, start, ends in m.database.execute(query)]


def _chair_taken(first: dt.datetime, last: dt.datetime,
                 exclude: int | None = None) -> dict[int, list[Interval]]:
    """Each chair's appointments holding it that reach into [first, last), by chair id."""
    taken: dict[int, list[Interval]] = defaultdict(list)
    for chair, start, ends in _chair_rows(first, last, exclude):
        taken[chair].append((start, ends))
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

#: Grid starts looked at in one read of chair time: a search reads the chairs' taken time
#: for its first starts only, then for twice as many at a time up to this (16 days of 15
#: minutes from 08:00 to 18:00), so a chain's few next slots read a few hours of its chairs.
MAX_STARTS_A_READ = 16 * 40

#: The patient's own appointments that hold their time, and the days holding their one
#: appointment of the kind (one infusion a day), over the days searched.
PatientTime = tuple[list[Interval], set[dt.date]]


def _patient_time(patient_id: int | None, kind: Kind, first: dt.date, last: dt.date,
                  exclude: int | None = None) -> PatientTime:
    return (_patient_taken(patient_id, start_of_day(first), start_of_next_day(last), exclude),
            _patient_days(patient_id, kind, first, last, exclude))


def _free(settings: ClinicSettings, length: int, after: dt.datetime, last_day: dt.date, *,
          chairs: dict[int, str] | None, patient: PatientTime, exclude: int | None,
          first_read: int) -> Iterator[Slot]:
    """domain.slots.free_slots over what the database holds: the free grid starts from
    `after` to `last_day` in time order, each with the first free chair in the clinic's
    order (`chairs`, from _active_chairs), found lazily. The chairs' taken time is read only
    for the starts the patient can take (`patient` covers the days searched), `first_read`
    of them first, then twice as many at a time; a read is the appointments reaching into
    those starts, so the next few slots of a chain of a thousand chairs read a few hours of
    it, not days. Run it inside one read snapshot."""
    patient_taken, patient_days = patient
    starts = patient_starts(settings, length, after, last_day, patient_taken=patient_taken,
                            patient_days=patient_days)
    span = dt.timedelta(minutes=length)
    if chairs is None:
        yield from (Slot(start, start + span, None) for start in starts)
        return
    order = list(chairs)
    size = max(1, first_read)
    while chunk := list(islice(starts, min(size, MAX_STARTS_A_READ))):
        taken = _chair_rows(chunk[0], chunk[-1] + span, exclude)
        for start, chair in zip(chunk, first_free_chairs(chunk, span, order, taken)):
            if chair is not None:
                yield Slot(start, start + span, chairs[chair])
        size *= 2


def _search(kind: Kind | str, duration: int | None
            ) -> tuple[ClinicSettings, Kind, int, dict[int, str] | None]:
    """The clinic's settings, the kind, its length and the active chairs in the clinic's
    order (None: the kind takes no chair)."""
    kind = _kind(kind)
    settings = clinic_settings()
    length = _length(settings, kind, duration)
    chairs = _active_chairs() if kind in KINDS_NEEDING_CHAIR else None
    return settings, kind, length, chairs


def _not_before_now(moment: dt.datetime) -> dt.datetime:
    return max(moment, clock.now()).replace(second=0, microsecond=0)


def find_slots(kind: Kind | str, after: dt.datetime, count: int = 5, *,
               patient_id: int | None = None, duration: int | None = None,
               exclude_appointment: int | None = None,
               horizon_days: int = HORIZON_DAYS) -> list[Slot]:
    """The next `count` free starts at or after `after` (never before now), each with the
    first free chair for an infusion. `exclude_appointment` is one being moved."""
    settings, kind, length, chairs = _search(kind, duration)
    if chairs == {} or count <= 0:
        return []
    after = _not_before_now(after)
    last_day = after.date() + dt.timedelta(days=horizon_days)
    with read_snapshot():
        patient = _patient_time(patient_id, kind, after.date(), last_day, exclude_appointment)
        return list(islice(_free(settings, length, after, last_day, chairs=chairs,
                                 patient=patient, exclude=exclude_appointment,
                                 first_read=count), count))


def free_on(kind: Kind | str, day: dt.date, *, patient_id: int | None = None,
            duration: int | None = None) -> list[Slot]:
    """Every free start of one day (none before now)."""
    settings, kind, length, chairs = _search(kind, duration)
    after = _not_before_now(start_of_day(day))
    if chairs == {} or after.date() != day:
        return []
    with read_snapshot():
        patient = _patient_time(patient_id, kind, day, day)
        return list(_free(settings, length, after, day, chairs=chairs, patient=patient,
                          exclude=None, first_read=MAX_STARTS_A_READ))


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
        free = next((cid for cid in _active_chairs() if cid not in taken), None)
        if free is None:
            raise SlotTaken(f"every chair is taken from {start:%H:%M} to {ends:%H:%M} "
                            f"on {start:%a %d %b}")
        return m.Chair.get_by_id(free)
    row = m.Chair.get_or_none(fn.LOWER(m.Chair.name) == chair.strip().lower())
    if row is None or not row.active:
        names = ", ".join(_active_chairs().values())
        raise ValidationError(f"there is no chair {chair!r} (chairs: {names})")
    if row.id in taken:
        s, e = taken[row.id][0]
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
    length = settings.duration_of(Kind.INFUSION)
    chairs = _active_chairs()
    last = series_rules.latest_day(dates)

    def free_from(day: dt.date, earliest: dt.time) -> Iterator[Slot]:
        """The day's free slots from `earliest` on (none before now), looked for one start
        at a time at first: the series takes the first."""
        after = _not_before_now(dt.datetime.combine(day, earliest))
        if after.date() != day or not chairs:
            return iter(())
        own = own_time if day <= last else _patient_time(patient_id, Kind.INFUSION, day, day)
        return _free(settings, length, after, day, chairs=chairs, patient=own, exclude=None,
                     first_read=1)

    with read_snapshot():
        own_time = _patient_time(patient_id, Kind.INFUSION, dates[0], last)
        infusion_days = {day for day in own_time[1] if day <= dates[-1]}
        items = plan_series(dates, preferred, settings, free_from, infusion_days)
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
