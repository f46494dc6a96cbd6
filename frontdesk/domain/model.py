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

#: A patient was seen on a day when an appointment that day has one of these statuses.
SEEN_STATUSES = frozenset({Status.ARRIVED, Status.IN_CHAIR, Status.RECOVERY, Status.COMPLETED})

DEFAULT_DURATION_MINUTES = {Kind.CONSULT: 60, Kind.INFUSION: 90, Kind.ASSESSMENT: 30}
KINDS_NEEDING_CHAIR = frozenset({Kind.INFUSION})

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
