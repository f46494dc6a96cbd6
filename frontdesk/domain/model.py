"""The clinic's vocabulary: phases, appointment kinds and statuses, and their fixed facts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Phase(StrEnum):
    INTAKE = "intake"
    STABILIZATION = "stabilization"
    MAINTENANCE = "maintenance"
    INTEGRATION = "integration"
    DISCHARGED = "discharged"


ACTIVE_PHASES = (Phase.INTAKE, Phase.STABILIZATION, Phase.MAINTENANCE, Phase.INTEGRATION)


class Kind(StrEnum):
    CONSULT = "consult"
    INFUSION = "infusion"
    ASSESSMENT = "assessment"


class Status(StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    IN_CHAIR = "in_chair"
    RECOVERY = "recovery"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


#: How a status reads to a person, on screens and in exports ("in chair", "no-show").
STATUS_WORDS = {Status.BOOKED: "booked", Status.ARRIVED: "arrived", Status.IN_CHAIR: "in chair",
                Status.RECOVERY: "recovery", Status.COMPLETED: "completed",
                Status.NO_SHOW: "no-show", Status.CANCELLED: "cancelled"}

#: Still to see to: not yet completed, missed or cancelled.
UNFINISHED = frozenset({Status.BOOKED, Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY})

#: A patient was seen on a day when an appointment that day has one of these statuses.
SEEN_STATUSES = frozenset({Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED})

DEFAULT_DURATION_MINUTES = {Kind.CONSULT: 60, Kind.INFUSION: 90, Kind.ASSESSMENT: 30}
KINDS_NEEDING_CHAIR = frozenset({Kind.INFUSION})
#: A patient has at most one of these a day (DOMAIN.md: one infusion a patient a day).
KINDS_ONE_A_DAY = frozenset({Kind.INFUSION})
#: An appointment with one of these statuses no longer holds its chair.
FREES_CHAIR = frozenset({Status.CANCELLED})
#: ... nor the patient's time or day: a cancelled or missed visit gave the patient nothing.
FREES_PATIENT = frozenset({Status.CANCELLED, Status.NO_SHOW})

STABILIZATION_TARGET_DEFAULT = 6
STABILIZATION_TARGET_RANGE = range(3, 9)  # 3..8
MAINTENANCE_INTERVAL_DEFAULT = 1
MAINTENANCE_INTERVAL_RANGE = range(1, 13)  # 1..12
DURATION_RANGE = range(5, 481)  # 5..480 minutes

LATE_CANCELLATION_WINDOW = dt.timedelta(hours=24)
STALLED_AFTER_DAYS = 7
DUE_WINDOW_DAYS = 7


def is_late_cancellation(start: dt.datetime, cancelled_at: dt.datetime) -> bool:
    """A cancellation less than 24 h before the start is late."""
    return start - cancelled_at < LATE_CANCELLATION_WINDOW


def end_of(start: dt.datetime, duration_minutes: int) -> dt.datetime:
    return start + dt.timedelta(minutes=duration_minutes)


def intervals_overlap(a_start: dt.datetime, a_end: dt.datetime,
                      b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open intervals [start, end): touching ends do not overlap."""
    return a_start < b_end and b_start < a_end


# The pure twins of db.queries' pieces: what each piece means for one appointment.

def uses_chair_time(kind: Kind | str, status: Status | str) -> bool:
    """The appointment books chair time (the census's chair-minutes), with a chair or not."""
    return kind in KINDS_NEEDING_CHAIR and status not in FREES_CHAIR


def holds_chair(kind: Kind | str, status: Status | str, chair: object) -> bool:
    """The appointment keeps its chair from anyone else for [start, ends_at)."""
    return chair is not None and uses_chair_time(kind, status)


def holds_patient(status: Status | str) -> bool:
    """The appointment keeps the patient's time from another of theirs."""
    return status not in FREES_PATIENT


def holds_patient_day(kind: Kind | str, status: Status | str) -> bool:
    """The appointment is the patient's one infusion of its day."""
    return kind in KINDS_ONE_A_DAY and holds_patient(status)
