"""The appointment status flow of DOMAIN.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frontdesk.domain.errors import Conflict
from frontdesk.domain.model import Kind, Status

_CHAIR_FLOW = {
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.IN_CHAIR}),
    Status.IN_CHAIR: frozenset({Status.RECOVERY}),
    Status.RECOVERY: frozenset({Status.COMPLETED}),
}
_VISIT_FLOW = {  # consults and assessments skip in_chair and recovery
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.COMPLETED}),
}


def next_statuses(kind: Kind, status: Status) -> frozenset[Status]:
    flow = _CHAIR_FLOW if kind == Kind.INFUSION else _VISIT_FLOW
    return flow.get(status, frozenset())


def check_status_change(kind: Kind, current: Status, new: Status) -> None:
    allowed = next_statuses(kind, current)
    if new not in allowed:
        options = ", ".join(sorted(allowed)) or "none (it is final)"
        article = "an" if kind[0] in "aeiou" else "a"
        raise Conflict(f"{article} {kind} that is {current} cannot become {new}; "
                       f"next can be: {options}")


def next_step(kind: Kind, status: Status) -> Status | None:
    """The status the appointment normally moves to next; None when it is finished."""
    forward = next_statuses(kind, status) - {Status.NO_SHOW, Status.CANCELLED}
    return next(iter(forward)) if forward else None


def check_can_undo(current: Status, undone_to: Status) -> None:
    """An undo puts back the status before the last change, if the appointment still has
    the status that change gave it."""
    if current != undone_to:
        raise Conflict(f"the appointment is {current} now, not {undone_to}: "
                       "someone changed it since, so the change was not undone")


@dataclass(frozen=True)
class Alert:
    """Something the desk must look at: a patient waiting too long, or kept in recovery past
    the planned end."""
    kind: str      # "waiting" or "recovery"
    minutes: int   # waiting this long / this long past the planned end

    @property
    def text(self) -> str:
        if self.kind == "waiting":
            return f"waiting {self.minutes} min"
        return f"{self.minutes} min over"


DEFAULT_WAIT_ALERT_MINUTES = 15


def waiting_alert_cutoff(now: dt.datetime, wait_limit_minutes: int) -> dt.datetime:
    """Arrived at or before this time: waiting more than the limit (in whole minutes)."""
    return now - dt.timedelta(minutes=wait_limit_minutes + 1)


def recovery_alert_cutoff(now: dt.datetime) -> dt.datetime:
    """Planned to end at or before this time: at least a minute past the end."""
    return now - dt.timedelta(minutes=1)


def alert_for(status: Status, status_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime,
              wait_limit_minutes: int = DEFAULT_WAIT_ALERT_MINUTES) -> Alert | None:
    if status == Status.ARRIVED and status_at <= waiting_alert_cutoff(now, wait_limit_minutes):
        return Alert("waiting", minutes_between(status_at, now))
    if status == Status.RECOVERY and ends_at <= recovery_alert_cutoff(now):
        return Alert("recovery", minutes_between(ends_at, now))
    return None


def minutes_between(earlier: dt.datetime, later: dt.datetime) -> int:
    """Whole minutes passed, never negative."""
    return max(0, int((later - earlier).total_seconds() // 60))
