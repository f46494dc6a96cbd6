"""The three lists the desk lives by (DOMAIN.md), as pure functions.

These are the reference definitions. `services.lists` computes the same lists in SQL for
speed; tests check both agree on generated clinics.

"As of D": seen and completed visits count when on or before D; booked ones count when on
or after D (a booked appointment before D is stale and counts for nothing). The phase and
phase_since are those in force at the end of D (domain.phases.phase_as_of); a patient
registered after D is on no list as of D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from frontdesk.domain.dates import add_months, one_month_before
from frontdesk.domain.model import (DUE_WINDOW_DAYS, SEEN_STATUSES, STALLED_AFTER_DAYS,
                                    Kind, Phase, Status)
from frontdesk.domain.phases import PhaseChange, phase_as_of


@dataclass(frozen=True)
class Visit:
    """An appointment as the lists see it."""
    start: dt.datetime
    kind: Kind
    status: Status


@dataclass(frozen=True)
class PatientRecord:
    patient_id: str
    last_name: str
    first_name: str
    phase: Phase
    phase_since: dt.date
    registered_on: dt.date
    stabilization_target: int = 6
    maintenance_interval_months: int = 1
    visits: tuple[Visit, ...] = ()
    history: tuple[PhaseChange, ...] = ()  # the phase history, in the order written

    def phase_as_of(self, as_of: dt.date) -> tuple[Phase, dt.date] | None:
        """(phase, phase_since) at the end of `as_of`; None when registered after it."""
        return phase_as_of(self.history, self.phase, self.phase_since, self.registered_on,
                           as_of)


@dataclass(frozen=True)
class StabilizationEntry:
    patient_id: str
    name: str
    infusions_completed: int
    target: int
    last_infusion: dt.date | None
    next_infusion: dt.date | None
    stalled: bool


@dataclass(frozen=True)
class MaintenanceDueEntry:
    patient_id: str
    name: str
    last_infusion: dt.date | None
    due_on: dt.date
    overdue: bool


@dataclass(frozen=True)
class NotSeenEntry:
    patient_id: str
    name: str
    phase: Phase
    last_seen: dt.date | None
    next_booked: dt.date | None


@dataclass(frozen=True)
class DeskLists:
    as_of: dt.date
    mid_stabilization: tuple[StabilizationEntry, ...] = field(default=())
    due_for_maintenance: tuple[MaintenanceDueEntry, ...] = field(default=())
    not_seen_over_a_month: tuple[NotSeenEntry, ...] = field(default=())


def display_name(last_name: str, first_name: str) -> str:
    return f"{last_name}, {first_name}"


# --- the scalar rules (shared with the SQL implementation) -------------------------------

def is_stalled(*, phase_since: dt.date, last_completed_since_phase: dt.date | None,
               has_booked_infusion: bool, as_of: dt.date) -> bool:
    if has_booked_infusion:
        return False
    reference = max(phase_since, last_completed_since_phase or phase_since)
    return reference < as_of - dt.timedelta(days=STALLED_AFTER_DAYS)


def due_on(*, last_infusion: dt.date | None, interval_months: int,
           phase_since: dt.date) -> dt.date:
    if last_infusion is None:
        return phase_since
    return add_months(last_infusion, interval_months)


def due_window_end(as_of: dt.date) -> dt.date:
    """Patients due on or before this date are on the due list (D + 7 days, inclusive)."""
    return as_of + dt.timedelta(days=DUE_WINDOW_DAYS)


def not_seen_cutoff(as_of: dt.date) -> dt.date:
    """Last seen (or, never seen, registered) before this date means over a month ago."""
    return one_month_before(as_of)


def is_not_seen_over_a_month(*, last_seen: dt.date | None, registered_on: dt.date,
                             as_of: dt.date) -> bool:
    cutoff = not_seen_cutoff(as_of)
    return (last_seen if last_seen is not None else registered_on) < cutoff


# --- per patient ---------------------------------------------------------------------------

def _dates(visits: Iterable[Visit]) -> list[dt.date]:
    return sorted(v.start.date() for v in visits)


def _completed_infusions(p: PatientRecord, as_of: dt.date) -> list[dt.date]:
    return _dates(v for v in p.visits if v.kind == Kind.INFUSION
                  and v.status == Status.COMPLETED and v.start.date() <= as_of)


def _booked(p: PatientRecord, as_of: dt.date, kind: Kind | None = None) -> list[dt.date]:
    return _dates(v for v in p.visits if v.status == Status.BOOKED
                  and v.start.date() >= as_of and (kind is None or v.kind == kind))


def stabilization_entry(p: PatientRecord, as_of: dt.date) -> StabilizationEntry | None:
    standing = p.phase_as_of(as_of)
    if standing is None or standing[0] != Phase.STABILIZATION:
        return None
    phase_since = standing[1]
    completed = _completed_infusions(p, as_of)
    in_phase = [d for d in completed if d >= phase_since]
    booked = _booked(p, as_of, Kind.INFUSION)
    return StabilizationEntry(
        patient_id=p.patient_id,
        name=display_name(p.last_name, p.first_name),
        infusions_completed=len(in_phase),
        target=p.stabilization_target,
        last_infusion=completed[-1] if completed else None,
        next_infusion=booked[0] if booked else None,
        stalled=is_stalled(phase_since=phase_since,
                           last_completed_since_phase=in_phase[-1] if in_phase else None,
                           has_booked_infusion=bool(booked), as_of=as_of),
    )


def maintenance_due_entry(p: PatientRecord, as_of: dt.date) -> MaintenanceDueEntry | None:
    standing = p.phase_as_of(as_of)
    if (standing is None or standing[0] != Phase.MAINTENANCE
            or _booked(p, as_of, Kind.INFUSION)):
        return None
    completed = _completed_infusions(p, as_of)
    last = completed[-1] if completed else None
    due = due_on(last_infusion=last, interval_months=p.maintenance_interval_months,
                 phase_since=standing[1])
    if due > due_window_end(as_of):
        return None
    return MaintenanceDueEntry(patient_id=p.patient_id,
                               name=display_name(p.last_name, p.first_name),
                               last_infusion=last, due_on=due, overdue=due < as_of)


def not_seen_entry(p: PatientRecord, as_of: dt.date) -> NotSeenEntry | None:
    standing = p.phase_as_of(as_of)
    if standing is None or standing[0] == Phase.DISCHARGED:
        return None
    seen = _dates(v for v in p.visits if v.status in SEEN_STATUSES and v.start.date() <= as_of)
    last_seen = seen[-1] if seen else None
    if not is_not_seen_over_a_month(last_seen=last_seen, registered_on=p.registered_on,
                                    as_of=as_of):
        return None
    booked = _booked(p, as_of)
    return NotSeenEntry(patient_id=p.patient_id, name=display_name(p.last_name, p.first_name),
                        phase=standing[0], last_seen=last_seen,
                        next_booked=booked[0] if booked else None)


# --- the lists, in the order INTERFACES.md gives -------------------------------------------

def sort_lists(as_of: dt.date, stab: Iterable[StabilizationEntry],
               due: Iterable[MaintenanceDueEntry], unseen: Iterable[NotSeenEntry]) -> DeskLists:
    return DeskLists(
        as_of=as_of,
        mid_stabilization=tuple(sorted(stab, key=lambda e: (e.name, e.patient_id))),
        due_for_maintenance=tuple(sorted(due, key=lambda e: (e.due_on, e.patient_id))),
        not_seen_over_a_month=tuple(sorted(
            unseen, key=lambda e: (e.last_seen is not None, e.last_seen or dt.date.min,
                                   e.patient_id))),
    )


def compute_lists(patients: Iterable[PatientRecord], as_of: dt.date) -> DeskLists:
    patients = list(patients)

    def entries(fn):
        return [e for e in (fn(p, as_of) for p in patients) if e is not None]

    return sort_lists(as_of, entries(stabilization_entry), entries(maintenance_due_entry),
                      entries(not_seen_entry))
